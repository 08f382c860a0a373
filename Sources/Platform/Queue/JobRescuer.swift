public import Foundation
public import CoreMetrics
public import Logging

/// Returns jobs whose workers vanished (lease expired) or stopped making progress (stalled)
/// to the queue: available again at once, or dead when that was their last attempt.
///
/// Any number of daemons may run a rescuer at once: each batch is taken with SKIP LOCKED, so
/// no job is rescued twice and no leader is needed. `runOnce(now:)` is what tests call.
public struct JobRescuer: Sendable {
    /// How often and how much to rescue.
    public struct Configuration: Sendable, Hashable {
        /// Time between passes in `run()`.
        public var interval: Duration
        /// Jobs per statement; a pass repeats until a batch comes back short.
        public var batchSize: Int
        /// A running job whose progress (or stage) has not changed for this long is failed as
        /// `stalled`; nil turns stall detection off. Counted from the claim for jobs that never
        /// report progress, so it must exceed the longest silent handler.
        public var stallTimeout: Duration?
        /// An input (a job's `content_key`) whose workers hung (stalled) on this many attempts
        /// in a row is quarantined (an expired lease is the whole daemon's death and does not
        /// count; a worker process's crash is counted by `JobQueue.recordWorkerKill`): the job goes dead as `quarantined` and new jobs for the
        /// input are dead-lettered at insert until an operator lifts it. nil turns it off.
        public var quarantineAfter: Int?

        public init(
            interval: Duration = .seconds(5), batchSize: Int = 500, stallTimeout: Duration? = .seconds(600),
            quarantineAfter: Int? = 3
        ) {
            self.interval = interval
            self.batchSize = batchSize
            self.stallTimeout = stallTimeout
            self.quarantineAfter = quarantineAfter
        }

        /// Throws `.invalidConfiguration` for a non-positive interval, batch, stall timeout or
        /// quarantine limit.
        public func validate() throws {
            guard interval > .zero, batchSize > 0, (stallTimeout ?? .seconds(1)) > .zero, (quarantineAfter ?? 1) >= 1 else {
                throw QueueError(
                    .invalidConfiguration, "rescuer needs interval > 0, batchSize > 0, stallTimeout > 0, quarantineAfter ≥ 1")
            }
        }
    }

    /// What one pass did.
    public struct Outcome: Sendable, Hashable {
        /// Jobs made available again.
        public var rescued: [Int64] = []
        /// Jobs that had used their last attempt, or whose input was quarantined.
        public var killed: [Int64] = []
        /// Of `killed`, the jobs whose input this pass quarantined.
        public var quarantined: [Int64] = []
        /// Queued jobs for a newly quarantined input, dead-lettered without running.
        public var deadLettered = 0
    }

    public let configuration: Configuration
    let pool: DatabasePool
    let logger: Logger
    let metrics: any MetricsFactory

    /// `metrics` counts the attempts it ends under `mediadaemon_job_failures_total`.
    public init(
        pool: DatabasePool, configuration: Configuration = Configuration(), logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) throws {
        try configuration.validate()
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    /// One pass over every stuck job. `now` pins the clock (tests); nil uses the server's.
    @discardableResult
    public func runOnce(now: Date? = nil) async throws -> Outcome {
        var outcome = Outcome()
        while true {
            let rows = try await pool.query(
                try QueueQuery.rescueJobs.sql(),
                [
                    now, Int32(clamping: configuration.batchSize), configuration.stallTimeout?.queueSeconds,
                    configuration.quarantineAfter.map { Int32(clamping: $0) },
                ])
            for (index, row) in rows.enumerated() {
                let id = try row.decode(Int64.self, column: "id")
                let code = try row.decode(String.self, column: "code")
                Counter(label: QueueMetrics.failures, dimensions: [("code", code)], factory: metrics).increment()
                if index == 0 { outcome.deadLettered += try row.decode(Int.self, column: "siblings") }
                if try row.decode(String.self, column: "state") == JobState.dead.rawValue {
                    outcome.killed.append(id)
                    if code == "quarantined" { outcome.quarantined.append(id) }
                } else {
                    outcome.rescued.append(id)
                }
            }
            if rows.count < configuration.batchSize { break }
        }
        if !outcome.rescued.isEmpty || !outcome.killed.isEmpty {
            logger.notice(
                "rescued stuck jobs",
                metadata: [
                    "rescued": "\(outcome.rescued.count)", "dead": "\(outcome.killed.count)",
                    "quarantined": "\(outcome.quarantined.count)", "dead_lettered": "\(outcome.deadLettered)",
                ])
        }
        return outcome
    }

    /// Runs a pass every `interval` until the task is cancelled. Failures are logged and the
    /// next pass tries again.
    public func run() async {
        await MaintenanceLoop.run(every: configuration.interval, logger: logger, failure: "rescue pass failed") { _ = try await runOnce() }
    }
}
