public import CoreMetrics
public import Foundation
public import Logging

/// Makes sure no media stays `processing` forever, whatever happened to its job: a processing
/// media with no processing job at all (`media:<id>`) gets one; one whose job ended without a
/// result (dead, quarantined included, or cancelled) is marked `failed` with that job's code.
///
/// Any number of daemons may run one at once: media rows are taken with SKIP LOCKED in the
/// transaction that enqueues or fails them, and the job's idempotency key makes a second
/// enqueue a no-op. `runOnce(now:)` is what tests call.
public struct MediaReconciler: Sendable {
    /// How often and how much to reconcile.
    public struct Configuration: Sendable, Hashable {
        /// Time between passes in `run()`.
        public var interval: Duration
        /// Media per transaction; a pass pages through every processing media.
        public var batchSize: Int
        /// Media changed more recently than this are left alone (a writer from before the job
        /// was enqueued in the same transaction may still be about to enqueue it).
        public var minimumAge: Duration

        public init(interval: Duration = .seconds(30), batchSize: Int = 200, minimumAge: Duration = .seconds(60)) {
            self.interval = interval
            self.batchSize = batchSize
            self.minimumAge = minimumAge
        }

        /// Throws `.invalidConfiguration` for a non-positive interval or batch, or a negative age.
        public func validate() throws {
            guard interval > .zero, batchSize > 0, minimumAge >= .zero else {
                throw QueueError(.invalidConfiguration, "media reconciler needs interval > 0, batchSize > 0, minimumAge ≥ 0")
            }
        }
    }

    /// What one pass did.
    public struct Outcome: Sendable, Hashable {
        /// Media that had no processing job and got one.
        public var enqueued: [Int64] = []
        /// Media whose job ended without a result, marked failed with the job's code.
        public var failed: [Int64] = []
    }

    /// Counter by `action` (`enqueued`, `failed`): media the reconciler repaired.
    public static let metric = "mediadaemon_media_reconciled_total"

    public let configuration: Configuration
    let pool: DatabasePool
    let logger: Logger
    let metrics: any MetricsFactory

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

    /// One pass over every processing media. `now` pins the clock (tests); nil uses the server's.
    @discardableResult
    public func runOnce(now: Date? = nil) async throws -> Outcome {
        var outcome = Outcome()
        var cursor: Int64 = 0
        let batch = Int32(clamping: configuration.batchSize)
        let minimumAge = configuration.minimumAge.queueSeconds
        while true {
            let after = cursor
            let page = try await pool.transaction { connection -> (Outcome, last: Int64?, count: Int) in
                let rows = try connection.query(
                    try MediaQuery.strandedMedia.sql(), [now, minimumAge, after, batch, MediaJobs.processingKeyPrefix])
                var page = Outcome()
                for row in rows {
                    let id = try row["id", as: Int64.self]
                    switch try row["job_state", as: String?.self] {
                    case nil:
                        try JobQueue.enqueue(
                            try MediaJobs.processing(
                                mediaID: id, kind: try row["kind", as: String.self],
                                originalKey: try row["original_key", as: String.self],
                                sha256: try row["sha256", as: String.self]),
                            on: connection)
                        page.enqueued.append(id)
                    case let state? where Self.finishedStates.contains(state):
                        let code = try row["job_code", as: String?.self] ?? (state == "succeeded" ? "no_result" : state)
                        let message = try row["job_error", as: String?.self] ?? "the processing job ended \(state) without a result"
                        try connection.query(try MediaQuery.failStrandedMedia.sql(), [id, code, message])
                        page.failed.append(id)
                    default:
                        continue  // available or running: the job will finish the media.
                    }
                }
                return (page, try rows.last?["id", as: Int64.self], rows.count)
            }
            outcome.enqueued += page.0.enqueued
            outcome.failed += page.0.failed
            guard let last = page.last, page.count == configuration.batchSize else { break }
            cursor = last
        }
        Counter(label: Self.metric, dimensions: [("action", "enqueued")], factory: metrics).increment(by: outcome.enqueued.count)
        Counter(label: Self.metric, dimensions: [("action", "failed")], factory: metrics).increment(by: outcome.failed.count)
        if !outcome.enqueued.isEmpty || !outcome.failed.isEmpty {
            logger.notice(
                "reconciled stranded media",
                metadata: ["enqueued": "\(outcome.enqueued.count)", "failed": "\(outcome.failed.count)"])
        }
        return outcome
    }

    /// Job states after which the job will not finish the media.
    static let finishedStates: Set<String> = ["dead", "cancelled", "succeeded"]

    /// Runs a pass every `interval` until the task is cancelled. Failures are logged and the
    /// next pass tries again.
    public func run() async {
        await MaintenanceLoop.run(every: configuration.interval, logger: logger, failure: "media reconcile pass failed") { _ = try await runOnce() }
    }
}
