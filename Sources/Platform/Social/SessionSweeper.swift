public import Foundation
public import Logging

/// Deletes sessions that can no longer authenticate (revoked, older than the maximum age, or
/// idle past the idle age), failed-log-in rows past their forget time, released username
/// tombstones, and moderation records about deleted posts and accounts (reports, hash-list
/// matches) past their retention.
///
/// Any number of daemons may run one: each batch is a plain DELETE of rows nobody can use, so
/// two sweepers only split the work. `runOnce(now:)` is what tests call.
public struct SessionSweeper: Sendable {
    /// How often and how much to sweep.
    public struct Configuration: Sendable, Hashable {
        /// Time between passes in `run()`.
        public var interval: Duration
        /// Rows per statement; a pass repeats until a batch comes back short.
        public var batchSize: Int

        /// Defaults: a pass a minute, 1,000 rows per statement.
        public init(interval: Duration = .seconds(60), batchSize: Int = 1000) {
            self.interval = interval
            self.batchSize = batchSize
        }

        /// Throws 400 `invalid_configuration` for a non-positive interval or batch.
        public func validate() throws {
            guard interval > .zero, batchSize > 0 else {
                throw SocialError(.invalid, "invalid_configuration", "sweeper needs interval > 0 and batchSize > 0")
            }
        }
    }

    /// What one pass deleted.
    public struct Outcome: Sendable, Hashable {
        /// Sessions deleted.
        public var sessions = 0
        /// Failed-log-in rows deleted.
        public var loginFailures = 0
        /// Username tombstones whose grace period ended.
        public var tombstones = 0
        /// Reports about deleted posts or accounts, and hash-list matches of deleted accounts,
        /// whose retention ended.
        public var moderationRecords = 0
    }

    public let configuration: Configuration
    let pool: DatabasePool
    let social: SocialConfiguration
    let logger: Logger

    /// Sweeps with the session ages and login forget time of `social`.
    public init(
        pool: DatabasePool, social: SocialConfiguration, configuration: Configuration = Configuration(), logger: Logger
    ) throws {
        try configuration.validate()
        self.pool = pool
        self.social = social
        self.configuration = configuration
        self.logger = logger
    }

    /// One pass. `now` pins the clock (tests); nil uses the server's.
    @discardableResult
    public func runOnce(now: Date? = nil) async throws -> Outcome {
        var outcome = Outcome()
        let batch = Int32(clamping: configuration.batchSize)
        outcome.sessions = try await drain(
            .deleteExpiredSessions,
            [social.sessionMaximumAge.queueSeconds, social.sessionIdleAge.queueSeconds, now, batch])
        outcome.loginFailures = try await drain(
            .deleteStaleLoginFailures, [social.loginThrottle.forgetAfter.queueSeconds, now, batch])
        outcome.tombstones = try await drain(.deleteReleasedTombstones, [now, batch])
        outcome.moderationRecords = try await drain(
            .deleteExpiredModerationRecords, [now, batch, social.moderationRetention.queueSeconds])
        if outcome != Outcome() {
            logger.info(
                "swept sessions",
                metadata: [
                    "sessions": "\(outcome.sessions)", "login_failures": "\(outcome.loginFailures)",
                    "tombstones": "\(outcome.tombstones)", "moderation_records": "\(outcome.moderationRecords)",
                ])
        }
        return outcome
    }

    /// Runs a pass every `interval` until the task is cancelled. Failures are logged and the
    /// next pass tries again.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await runOnce()
            } catch {
                if Task.isCancelled { return }
                logger.warning("session sweep failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: configuration.interval) } catch { return }
        }
    }

    /// Repeats a batch delete until one deletes fewer than a batch; the rows deleted.
    private func drain(_ statement: SocialQuery, _ parameters: [(any PostgresEncodable)?]) async throws -> Int {
        var total = 0
        while true {
            let rows = try await pool.query(statement, parameters)
            let deleted = Int(try rows[0]["deleted", as: Int64.self])
            total += deleted
            if deleted < configuration.batchSize { return total }
        }
    }
}
