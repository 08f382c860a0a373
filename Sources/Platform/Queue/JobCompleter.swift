import Foundation
import Logging

/// Records the plain completions (no result write to commit with them) of every lane thread of
/// a runner, many jobs per statement, on a thread and connection of its own.
///
/// A lane thread hands a finished job over and goes on to its next job or claim without waiting
/// for the database; the completer takes everything handed over since its last statement (up to
/// `maximumBatch`) and completes it with one fenced `CompleteJobs`. While that statement runs the
/// next batch gathers, so under load a statement carries many jobs and at idle a job is recorded
/// at once. A job stays under the heartbeat, and holds the runner's latch, until its completion
/// is recorded, so shutdown waits for it. A job whose lease was lost meanwhile (rescued,
/// released, cancelled) is refused by the fencing token: its context is cancelled with
/// `.leaseLost` and the refusal is logged.
///
/// `@unchecked Sendable`: `pending` and `closed` are only touched with the condition's lock held.
final class JobCompleter: @unchecked Sendable {
    /// Most jobs one statement completes.
    static let maximumBatch = 500
    /// Tries per batch before its jobs are left to the rescuer.
    static let attempts = 3

    private let url: String
    private let logger: Logger
    private let running: RunningJobs
    private let latch: WorkerLatch
    private let condition = NSCondition()
    private var pending = [JobContext]()
    private var closed = false
    private var finished = false

    init(url: String, logger: Logger, running: RunningJobs, latch: WorkerLatch) {
        self.url = url
        self.logger = logger
        self.running = running
        self.latch = latch
    }

    /// Starts the completer's thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "queue-completer"
        thread.start()
    }

    /// Queues a finished job's completion. False once the completer is closed: the caller then
    /// records the completion itself.
    func submit(_ context: JobContext) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        latch.enter()
        context.markHandedOver()
        pending.append(context)
        condition.signal()
        return true
    }

    /// Lets the thread end once everything queued so far is recorded.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits (blocking) until the thread has recorded everything queued and ended, at most
    /// `timeout`; true when it did. Call after `close()`.
    func waitUntilFinished(timeout: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout.queueSeconds)
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            if !condition.wait(until: deadline) { return finished }
        }
        return true
    }

    private func run() {
        defer {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        var connection: DatabaseConnection?
        while let batch = next() {
            // A dropped connection or a full server is usually over in moments, well inside the
            // jobs' leases: try again on a new connection before the batch is given up. The
            // statement is fenced, so a retry after a commit whose answer was lost records
            // nothing twice (those jobs are then logged as refused, though they are finished).
            for attempt in 1...Self.attempts {
                do {
                    let open = try connection ?? DatabaseConnection(url: url, logger: logger)
                    connection = open
                    let done = try JobQueue.complete(batch.map(\.job.lease), on: open)
                    for context in batch where !done.contains(context.job.id) {
                        context.cancel(.leaseLost)
                        logger.warning(
                            "job finished after its lease was lost; result discarded",
                            metadata: ["job": "\(context.job.id)", "kind": "\(context.job.kind)", "attempt": "\(context.job.attempt)"])
                    }
                    break
                } catch {
                    connection = nil
                    guard attempt < Self.attempts else {
                        logger.error(
                            "recording completions failed; the jobs return when their leases expire",
                            metadata: ["error": "\(error)", "jobs": "\(batch.count)"])
                        break
                    }
                    logger.warning(
                        "recording completions failed; retrying on a new connection",
                        metadata: ["error": "\(error)", "jobs": "\(batch.count)", "attempt": "\(attempt)"])
                    Thread.sleep(forTimeInterval: 0.2 * Double(attempt))
                }
            }
            for context in batch {
                running.remove(context)
                latch.leave()
            }
        }
    }

    /// The next batch to record, waiting for one; nil once closed and empty.
    private func next() -> [JobContext]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty {
            if closed { return nil }
            condition.wait()
        }
        let count = min(pending.count, Self.maximumBatch)
        let batch = Array(pending.prefix(count))
        pending.removeFirst(count)
        return batch
    }
}
