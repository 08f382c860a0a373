public import Foundation
public import Logging

/// Keeps the hot `jobs` table small: moves finished jobs to `job_history` after
/// `keepFinished`, and deletes archived jobs after `keepArchived`, both in SKIP LOCKED batches
/// so several daemons can clean at once and no statement holds many locks.
///
/// The claim only ever reads the partial index of available jobs, so its cost does not grow
/// with finished rows; archiving keeps the heap, autovacuum and operator queries small too.
public struct JobCleaner: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var interval: Duration
        public var batchSize: Int
        /// How long finished jobs stay in `jobs` (visible to idempotency keys and `jobs list`).
        public var keepFinished: Duration
        /// How long archived jobs stay in `job_history` (`jobs show` still finds them).
        public var keepArchived: Duration

        public init(
            interval: Duration = .seconds(60), batchSize: Int = 5000, keepFinished: Duration = .seconds(24 * 3600),
            keepArchived: Duration = .seconds(30 * 24 * 3600)
        ) {
            self.interval = interval
            self.batchSize = batchSize
            self.keepFinished = keepFinished
            self.keepArchived = keepArchived
        }

        /// Throws `.invalidConfiguration` for a non-positive interval or batch, or a negative keep.
        public func validate() throws {
            guard interval > .zero, batchSize > 0, keepFinished >= .zero, keepArchived >= .zero else {
                throw QueueError(.invalidConfiguration, "cleaner needs interval > 0, batchSize > 0, keep times ≥ 0")
            }
        }
    }

    /// What one pass did.
    public struct Outcome: Sendable, Hashable {
        public var archived = 0
        public var deleted = 0
    }

    public let configuration: Configuration
    let pool: DatabasePool
    let logger: Logger

    public init(pool: DatabasePool, configuration: Configuration = Configuration(), logger: Logger) throws {
        try configuration.validate()
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    /// One pass: archive, then delete, batch after batch until nothing is left. `now` pins the
    /// clock (tests); nil uses this machine's.
    @discardableResult
    public func runOnce(now: Date? = nil) async throws -> Outcome {
        let now = now ?? Date()
        var outcome = Outcome()
        let archiveCutoff = now.addingTimeInterval(-configuration.keepFinished.queueSeconds)
        let deleteCutoff = now.addingTimeInterval(-configuration.keepArchived.queueSeconds)
        let batch = Int32(clamping: configuration.batchSize)
        while true {
            let moved = try await pool.query(try QueueQuery.archiveFinishedJobs.sql(), [archiveCutoff, batch]).affectedRows ?? 0
            outcome.archived += moved
            if moved < configuration.batchSize { break }
        }
        while true {
            let deleted = try await pool.query(try QueueQuery.deleteArchivedJobs.sql(), [deleteCutoff, batch]).affectedRows ?? 0
            outcome.deleted += deleted
            if deleted < configuration.batchSize { break }
        }
        if outcome.archived > 0 || outcome.deleted > 0 {
            logger.info("cleaned finished jobs", metadata: ["archived": "\(outcome.archived)", "deleted": "\(outcome.deleted)"])
        }
        return outcome
    }

    /// Runs a pass every `interval` until the task is cancelled.
    public func run() async {
        await MaintenanceLoop.run(every: configuration.interval, logger: logger, failure: "cleaning pass failed") { _ = try await runOnce() }
    }
}
