public import Foundation
public import Logging

/// Turns notification events into notifications: each event folds into the newest unread
/// notification of its recipient, kind and post whose window it falls in, or starts one;
/// a retraction takes its actor off again. Every notification a pass changes takes one new
/// change number, and its recipient's streams are woken (NOTIFY) at commit.
///
/// One folder runs at a time across all daemons on the database (an advisory lock held until
/// commit), so events are folded in the order their causes committed for any one pair of
/// users, and change numbers commit in order. The events are deleted in the folding
/// transaction: a folder killed mid-pass leaves them for the next. `runOnce()` is what
/// tests call.
public struct NotificationFolder: Sendable {
    let pool: DatabasePool
    let configuration: NotificationConfiguration
    let logger: Logger

    /// A folder with the windows and batch size of `configuration`.
    public init(pool: DatabasePool, configuration: NotificationConfiguration, logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    /// Folds batches until no event is left; returns how many events were folded.
    @discardableResult
    public func runOnce() async throws -> Int {
        var total = 0
        while true {
            let folded = try await pool.transaction { [self] connection in try foldBatch(on: connection) }
            total += folded
            if folded < configuration.foldBatch { return total }
        }
    }

    /// One transaction's worth: the oldest events, in id order.
    private func foldBatch(on connection: DatabaseConnection) throws -> Int {
        try connection.query(SocialQuery.lockNotificationChanges)
        let events = try connection.query(SocialQuery.takeNotificationEvents, [Int32(clamping: configuration.foldBatch)])
        var touched: [Int64] = []
        var seen = Set<Int64>()
        let sorted = try events.map { row in (try row["id", as: Int64.self], row) }.sorted { $0.0 < $1.0 }
        for (_, row) in sorted {
            guard let id = try fold(row, on: connection) else { continue }
            if seen.insert(id).inserted { touched.append(id) }
        }
        if !touched.isEmpty {
            try connection.query(
                SocialQuery.refreshNotifications, [PostgresArray(touched), Int32(clamping: configuration.actorsShown)])
        }
        return events.count
    }

    /// Folds one event; the notification it changed, if any.
    private func fold(_ event: DatabaseRow, on connection: DatabaseConnection) throws -> Int64? {
        let kindText = try event["kind", as: String.self]
        guard let kind = NotificationEvents.Kind(rawValue: kindText) else {
            logger.warning("notification event of unknown kind dropped", metadata: ["kind": "\(kindText)"])
            return nil
        }
        let recipient = try event["recipient_id", as: Int64.self]
        let actor = try event["actor_id", as: Int64.self]
        let postID = try event["post_id", as: Int64?.self]
        let at = try event["created_at", as: Date.self]
        if try event["retract", as: Bool.self] {
            let lowered = try connection.query(SocialQuery.lowerNotificationActor, [recipient, kind.rawValue, postID, actor])
            return try lowered.first?["notification_id", as: Int64.self]
        }
        let folded = try connection.query(
            SocialQuery.foldNotificationEvent,
            [recipient, kind.rawValue, postID, actor, at, configuration.window(kind).queueSeconds])
        return try folded.first?["notification_id", as: Int64.self]
    }
}
