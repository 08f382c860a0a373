import Foundation
import Logging

/// One lane thread's loop: claim a job, run its handler, record the outcome, repeat; sleep on
/// the lane's signal when there is nothing to do. Owns its database connection, which never
/// leaves this thread.
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
                    lane: lane, limit: 1, owner: configuration.owner, leaseDuration: configuration.leaseDuration,
                    on: open)
            } catch {
                logger.warning("claim failed", metadata: ["lane": "\(lane)", "error": "\(error)"])
                connection = nil
                signal.wait(unchangedFrom: generation, timeout: configuration.pollInterval)
                continue
            }
            guard let job = jobs.first, let open = connection else {
                signal.wait(unchangedFrom: generation, timeout: configuration.pollInterval)
                continue
            }
            if runner.isStopping {
                // Claimed just as shutdown began: give it straight back.
                _ = try? JobQueue.release([job.lease], on: open)
                break
            }
            if !execute(job, on: open) { connection = nil }
        }
    }

    /// Runs one job and records its outcome. False when the connection should be replaced.
    private func execute(_ job: Job, on connection: DatabaseConnection) -> Bool {
        let context = JobContext(job: job)
        runner.running.insert(context)
        defer { runner.running.remove(context) }
        let metadata: Logger.Metadata = ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempt)"]

        let outcome: Result<JobResult, any Error>
        if let handler = runner.handlers[job.kind] {
            outcome = Result { try handler(job, context) }
        } else {
            outcome = .failure(JobFailure.permanent("unknown_kind", "no handler for kind '\(job.kind)' in lane \(lane)"))
        }
        if let reason = context.cancellationReason, reason != .cancelRequested {
            logger.notice("discarding the result of a job this process no longer holds", metadata: metadata.merging(["reason": "\(reason.rawValue)"]) { $1 })
            return true
        }
        do {
            switch outcome {
            case .success(let result):
                do {
                    try JobQueue.complete(job.lease, on: connection, writing: result.write)
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
            return true
        } catch let error as QueueError where error.code == .leaseLost {
            logger.warning("job finished after its lease was lost; result discarded", metadata: metadata)
            return true
        } catch {
            // The lease will expire and the rescuer will hand the job to someone else.
            logger.error("recording the job's outcome failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return false
        }
    }

    private func fail(_ job: Job, _ error: any Error, context: JobContext, on connection: DatabaseConnection) throws {
        if context.cancellationReason == .cancelRequested {
            try JobQueue.finishCancelled(job.lease, on: connection)
            return
        }
        let failure = JobFailure(classifying: error)
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
