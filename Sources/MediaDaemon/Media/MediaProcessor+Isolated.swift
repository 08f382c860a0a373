import Foundation
import Glibc
import Logging
import Platform
import Thumbnail
import WorkerWire

/// Running a media job in a worker child, and what a child's death means for the job.
extension MediaProcessor {
    /// Runs the pipeline of `kind` in a worker: hands over the open original and an empty
    /// scratch folder, returns the manifest's JSON. A failure the child sorted is thrown as the
    /// same `MediaFailure` (code and disposition); a child's death as `WorkerCrash`.
    func isolated<Manifest: Decodable>(
        _ kind: String, as type: Manifest.Type, on workers: WorkerPool, input: URL, into scratch: URL, context: JobContext
    ) throws -> (Manifest, pdqDihedral: [String]?) {
        switch try workers.process(kind: kind, input: input, into: scratch, presets: presets, context: context) {
        case .manifest(let manifest, let pdqDihedral):
            return (try JSONDecoder().decode(type, from: manifest), pdqDihedral)
        case .failure(let failure):
            // Cancellation reached the pipeline: the queue records it from the context.
            if !failure.disposition.isPermanent { try context.checkCancellation() }
            throw failure.mediaFailure
        }
    }

    /// Records a worker's death (or the watchdog's kill) against the one job it held (fenced by
    /// the attempt) and returns the failure to throw: `worker_crashed`, `timed_out` or
    /// `stalled`, retried on a fresh child, or `quarantined` (the media fails) once the input
    /// has cost `quarantineAfter` children in a row. Ordered kills (cancel, shutdown) never get here.
    func recordCrash(_ crash: WorkerCrash, job: Job, mediaID: Int64, logger: Logger) throws -> JobFailure {
        let message: String
        if crash.killedBy == nil {
            message = "worker crashed: \(crash.cause) during \(crash.stage) (\(crash.detail))"
            logger.error(
                "worker crashed",
                metadata: ["signal": "\(crash.cause)", "stage": "\(crash.stage)", "detail": "\(crash.detail)"])
        } else {
            message = "worker \(crash.code == "stalled" ? "stalled" : "timed out"): killed during \(crash.stage) (\(crash.detail))"
            logger.error(
                "worker killed by the watchdog",
                metadata: ["code": "\(crash.code)", "stage": "\(crash.stage)", "detail": "\(crash.detail)"])
        }
        let (pool, quarantineAfter) = (self.pool, self.quarantineAfter)
        let kill = try LaneThread.wait {
            try await JobQueue(pool: pool, logger: Logger(label: "mediadaemon.worker"))
                .recordWorkerKill(job, error: "\(crash.code): \(crash.cause)", quarantineAfter: quarantineAfter)
        }
        guard let kill, kill.quarantined else {
            return JobFailure.transient(crash.code, message, retryAfter: .seconds(1))
        }
        let quarantined = "\(message); input quarantined after \(kill.kills) crashes in a row"
        logger.notice("input quarantined", metadata: ["kills": "\(kill.kills)"])
        try LaneThread.wait {
            try await pool.withConnection { connection in
                try MediaCompletion.markFailed(mediaID: mediaID, code: "quarantined", message: quarantined, on: connection)
            }
        }
        return JobFailure.permanent("quarantined", quarantined)
    }
}
