public import CoreMetrics
public import Foundation
public import Logging

/// Removes stored originals that no live media holds once they are older than a grace
/// period: the file of an upload whose post was never created (refused, failed, or lost to a
/// crash between storing the file and committing its row).
///
/// Any number of daemons may sweep at once: each original is removed under its SHA-256's lock,
/// taken with a try-lock (a writer or another sweep holding it means "later"), so none is
/// removed twice and none while an upload of the same bytes is committing. `runOnce(now:)` is
/// what tests call.
public struct OriginalSweeper: Sendable {
    /// How often and how patiently to sweep.
    public struct Configuration: Sendable, Hashable {
        /// Time between passes in `run()`.
        public var interval: Duration
        /// An unheld original is removed once it was last stored longer ago than this.
        public var gracePeriod: Duration

        public init(interval: Duration = .seconds(3600), gracePeriod: Duration = .seconds(24 * 3600)) {
            self.interval = interval
            self.gracePeriod = gracePeriod
        }

        /// Throws `.invalidConfiguration` for a non-positive interval or a negative grace period.
        public func validate() throws {
            guard interval > .zero, gracePeriod >= .zero else {
                throw QueueError(.invalidConfiguration, "original sweeper needs interval > 0, gracePeriod ≥ 0")
            }
        }
    }

    /// Counter: unheld originals removed by the sweep.
    public static let metric = "mediadaemon_originals_swept_total"

    public let configuration: Configuration
    let pool: DatabasePool
    let store: ObjectStore
    let logger: Logger
    let metrics: any MetricsFactory

    public init(
        pool: DatabasePool, store: ObjectStore, configuration: Configuration = Configuration(), logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) throws {
        try configuration.validate()
        self.pool = pool
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    /// One pass over every stored original; returns the keys removed. `now` pins the clock
    /// (tests); nil uses this machine's (file times are this machine's too).
    @discardableResult
    public func runOnce(now: Date? = nil) async throws -> [ObjectKey] {
        let cutoff = (now ?? Date()).addingTimeInterval(-configuration.gracePeriod.queueSeconds)
        let store = self.store
        let candidates = try await Blocking.run {
            try store.list(prefix: ObjectKey.originalsPrefix).filter { key in
                guard let modified = try store.modified(key) else { return false }
                return modified < cutoff
            }
        }
        var removed: [ObjectKey] = []
        for key in candidates {
            // Only keys of the originals' layout name their bytes; anything else is left alone.
            guard let sha256 = key.segments.last.map(String.init), (try? ObjectKey.original(sha256: sha256)) == key else {
                continue
            }
            let swept = try await pool.transaction { connection in
                try MediaFiles.sweepOriginal(key, sha256: sha256, cutoff: cutoff, store: store, on: connection)
            }
            if swept { removed.append(key) }
        }
        Counter(label: Self.metric, factory: metrics).increment(by: removed.count)
        if !removed.isEmpty {
            logger.notice("removed unheld originals", metadata: ["count": "\(removed.count)"])
        }
        return removed
    }

    /// Runs a pass every `interval` until the task is cancelled. Failures are logged and the
    /// next pass tries again.
    public func run() async {
        await MaintenanceLoop.run(every: configuration.interval, logger: logger, failure: "original sweep failed") { _ = try await runOnce() }
    }
}
