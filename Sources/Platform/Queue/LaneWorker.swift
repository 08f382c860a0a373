import Foundation
import Logging
import CoreMetrics

/// One lane thread's loop: claim up to `claimBatchSize` jobs, run their handlers one after
/// another, record the outcomes (plain completions go to the runner's `JobCompleter`, so the
/// thread does not wait for them), repeat; sleep on the lane's signal when there is nothing to
/// do. Owns its database connection, which never leaves this thread.
struct LaneWorker: Sendable {
    let runner: QueueRunner
    let lane: String
    let signal: LaneSignal

    private var configuration: QueueRunner.Configuration { runner.configuration }
    private var logger: Logger { runner.logger }

    func run() {
        var connection: DatabaseConnection?
        while !runner.isStopping {
            let generation = signal.current
            let jobs: [Job]
            do {
                let open = try connection ?? DatabaseConnection(url: configuration.database.url, logger: logger)
                connection = open
                jobs = try JobQueue.claim(
                    lane: lane, limit: configuration.claimBatchSize, owner: configuration.owner,
                    leaseDuration: configuration.leaseDuration, on: open)
            } catch {
                logger.warning("claim failed", metadata: ["lane": "\(lane)", "error": "\(error)"])
                connection = nil
                signal.wait(unchangedFrom: generation, timeout: configuration.pollInterval)
                continue
            }
            guard !jobs.isEmpty, let open = connection else {
                signal.wait(unchangedFrom: generation, timeout: configuration.pollInterval)
                continue
            }
            // A full claim means more may be waiting: let another idle thread look too.
            if jobs.count >= configuration.claimBatchSize { signal.wakeOne() }
            if !runBatch(jobs, on: open) { connection = nil }
        }
    }

    /// Runs claimed jobs in order; each stays under the heartbeat until its outcome is
    /// recorded (plain completions by the runner's completer, after this returns). False when
    /// the connection should be replaced.
    private func runBatch(_ jobs: [Job], on connection: DatabaseConnection) -> Bool {
        let contexts = jobs.map(JobContext.init(job:))
        for context in contexts { runner.running.insert(context) }
        for (index, context) in contexts.enumerated() {
            if runner.isStopping {
                // Shutdown began before these started: give them straight back.
                _ = try? JobQueue.release(contexts[index...].map(\.job.lease), on: connection)
                for rest in contexts[index...] { runner.running.remove(rest) }
                return true
            }
            switch execute(context, on: connection) {
            case .recorded:
                runner.running.remove(context)
            case .completeLater:
                if !runner.completer.submit(context) {
                    // The completer has closed (shutdown ran out of grace): record it here.
                    complete(context, on: connection)
                    runner.running.remove(context)
                }
            case .connectionBroken:
                // The jobs not recorded return when their leases expire.
                for rest in contexts[index...] { runner.running.remove(rest) }
                return false
            }
        }
        return true
    }

    private func complete(_ context: JobContext, on connection: DatabaseConnection) {
        do {
            try JobQueue.complete(context.job.lease, on: connection)
        } catch {
            logger.warning(
                "recording a completion failed", metadata: ["job": "\(context.job.id)", "error": "\(error)"])
        }
    }

    private enum Step {
        case recorded
        case completeLater
        case connectionBroken
    }

    /// Runs one job and records its outcome (or leaves a plain completion to the completer).
    private func execute(_ context: JobContext, on connection: DatabaseConnection) -> Step {
        let job = context.job
        let metadata: Logger.Metadata = ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempt)"]

        let outcome: Result<JobResult, any Error>
        if let handler = runner.handlers[job.kind] {
            let start = ContinuousClock.now
            outcome = Result { try handler(job, context) }
            CoreMetrics.Timer(label: QueueMetrics.duration, dimensions: [("kind", job.kind)], factory: configuration.metrics)
                .recordNanoseconds(start.duration(to: .now).nanoseconds)
        } else {
            outcome = .failure(JobFailure.permanent("unknown_kind", "no handler for kind '\(job.kind)' in lane \(lane)"))
        }
        if let reason = context.cancellationReason, reason != .cancelRequested {
            logger.notice(
                "discarding the result of a job this process no longer holds",
                metadata: metadata.merging(["reason": "\(reason.rawValue)"]) { $1 })
            return .recorded
        }
        do {
            switch outcome {
            case .success(let result):
                var write = result.write
                if let contentKey = job.contentKey {
                    // A success ends the input's run of kills (quarantine counts them in a row).
                    write = { [write] connection in
                        try JobQueue.resetKills(contentKey: contentKey, on: connection)
                        try write?(connection)
                    }
                }
                if write == nil { return .completeLater }
                do {
                    try JobQueue.complete(job.lease, on: connection, writing: write)
                } catch let error as QueueError where error.code == .leaseLost {
                    throw error
                } catch let error as DatabaseError where error.isTransient {
                    throw error
                } catch {
                    // The result write failed: an ordinary failed attempt.
                    try fail(job, error, context: context, on: connection)
                }
            case .failure(let error):
                try fail(job, error, context: context, on: connection)
            }
            return .recorded
        } catch let error as QueueError where error.code == .leaseLost {
            logger.warning("job finished after its lease was lost; result discarded", metadata: metadata)
            return .recorded
        } catch {
            // The lease will expire and the rescuer will hand the job to someone else.
            logger.error("recording the job's outcome failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .connectionBroken
        }
    }

    private func fail(_ job: Job, _ error: any Error, context: JobContext, on connection: DatabaseConnection) throws {
        if context.cancellationReason == .cancelRequested {
            try JobQueue.finishCancelled(job.lease, on: connection)
            return
        }
        let failure = JobFailure(classifying: error)
        Counter(label: QueueMetrics.failures, dimensions: [("code", failure.code)], factory: configuration.metrics).increment()
        let delay = failure.retryAfter ?? configuration.backoff.delay(afterAttempt: job.attempt)
        let (state, runAt) = try JobQueue.fail(job.lease, failure, retryDelay: delay, on: connection)
        logger.log(
            level: state == .dead ? .error : .warning, "job failed",
            metadata: [
                "job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempt)", "code": "\(failure.code)",
                "error": "\(failure.message)", "state": "\(state.rawValue)", "run_at": "\(runAt)",
            ])
    }
}
