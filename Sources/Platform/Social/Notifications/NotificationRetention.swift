public import Foundation

/// Deletes read notifications older than the retention (and retracted ones as old) and
/// expired stream tickets, in batches. Any number of daemons may run it: each batch deletes
/// rows nobody shows. `runOnce(now:)` is what tests call, with a pinned clock.
public struct NotificationRetention: Sendable {
    /// What one pass deleted.
    public struct Outcome: Sendable, Hashable {
        public var notifications = 0
        public var tickets = 0
    }

    let pool: DatabasePool
    let retention: Duration
    let batch: Int

    /// Keeps read notifications for `retention`; deletes at most `batch` rows per statement.
    public init(pool: DatabasePool, retention: Duration, batch: Int = 1000) {
        self.pool = pool
        self.retention = retention
        self.batch = max(1, batch)
    }

    /// One pass. `now` pins the clock (tests); nil uses the server's.
    @discardableResult
    public func runOnce(now: Date? = nil) async throws -> Outcome {
        var outcome = Outcome()
        let batch = Int32(clamping: self.batch)
        outcome.notifications = try await drain(.deleteOldNotifications, [retention.queueSeconds, now, batch])
        outcome.tickets = try await drain(.deleteExpiredStreamTickets, [now, batch])
        return outcome
    }

    private func drain(_ statement: SocialQuery, _ parameters: [(any PostgresEncodable)?]) async throws -> Int {
        var total = 0
        while true {
            let deleted = Int(try await pool.query(statement, parameters)[0]["deleted", as: Int64.self])
            total += deleted
            if deleted < batch { return total }
        }
    }
}
