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

    /// One transaction's worth: the oldest events, in id order. Runs of added events that
    /// coalesce fold in one statement; a retraction, or an event that never coalesces, ends a
    /// run and is folded on its own, so the order of a like and its unlike is kept.
    private func foldBatch(on connection: DatabaseConnection) throws -> Int {
        try connection.query(SocialQuery.lockNotificationChanges)
        let rows = try connection.query(SocialQuery.takeNotificationEvents, [Int32(clamping: configuration.foldBatch)])
        var events: [Event] = []
        for row in rows {
            let kindText = try row["kind", as: String.self]
            guard let kind = NotificationEvents.Kind(rawValue: kindText) else {
                logger.warning("notification event of unknown kind dropped", metadata: ["kind": "\(kindText)"])
                continue
            }
            events.append(
                Event(
                    id: try row["id", as: Int64.self], recipient: try row["recipient_id", as: Int64.self],
                    actor: try row["actor_id", as: Int64.self], kind: kind, postID: try row["post_id", as: Int64?.self],
                    at: try row["created_at", as: Date.self], retract: try row["retract", as: Bool.self]))
        }
        var touched: [Int64] = []
        var seen = Set<Int64>()
        func changed(_ ids: [Int64]) {
            for id in ids where seen.insert(id).inserted { touched.append(id) }
        }
        var run: [Event] = []
        for event in events.sorted(by: { $0.id < $1.id }) {
            if !event.retract, configuration.window(event.kind) > .zero {
                run.append(event)
                continue
            }
            changed(try foldAdded(run, on: connection))
            run = []
            changed(try fold(event, on: connection).map { [$0] } ?? [])
        }
        changed(try foldAdded(run, on: connection))
        if !touched.isEmpty {
            try connection.query(
                SocialQuery.refreshNotifications, [PostgresArray(touched), Int32(clamping: configuration.actorsShown)])
        }
        return rows.count
    }

    /// An event as taken from the outbox.
    private struct Event {
        var id: Int64
        var recipient: Int64
        var actor: Int64
        var kind: NotificationEvents.Kind
        var postID: Int64?
        var at: Date
        var retract: Bool
    }

    /// Folds a run of added, coalescing events in one statement; the notifications changed.
    private func foldAdded(_ run: [Event], on connection: DatabaseConnection) throws -> [Int64] {
        guard !run.isEmpty else { return [] }
        let folded = try connection.query(
            SocialQuery.foldNotificationEventsAdded,
            [
                PostgresArray(run.map(\.recipient)), PostgresArray(run.map(\.kind.rawValue)), PostgresNullableArray(run.map(\.postID)),
                PostgresArray(run.map(\.actor)), PostgresArray(run.map(\.at)),
                PostgresArray(run.map { configuration.window($0.kind).queueSeconds }),
            ])
        return try folded.map { try $0["notification_id", as: Int64.self] }
    }

    /// Folds one event (a retraction, or a kind that never coalesces); the notification it
    /// changed, if any.
    private func fold(_ event: Event, on connection: DatabaseConnection) throws -> Int64? {
        let kind = event.kind.rawValue
        if event.retract {
            let lowered = try connection.query(
                SocialQuery.lowerNotificationActor, [event.recipient, kind, event.postID, event.actor])
            return try lowered.first?["notification_id", as: Int64.self]
        }
        let folded = try connection.query(
            SocialQuery.foldNotificationEvent,
            [event.recipient, kind, event.postID, event.actor, event.at, configuration.window(event.kind).queueSeconds])
        return try folded.first?["notification_id", as: Int64.self]
    }
}
