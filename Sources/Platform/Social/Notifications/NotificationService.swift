public import Foundation

/// Reading notifications, marking them read, and stream tickets.
public struct NotificationService: Sendable {
    let pool: DatabasePool
    let configuration: NotificationConfiguration
    /// Where notification images are.
    let links: MediaLinks

    /// A service on `pool`.
    public init(pool: DatabasePool, configuration: NotificationConfiguration = NotificationConfiguration(), links: MediaLinks = MediaLinks()) {
        self.pool = pool
        self.configuration = configuration
        self.links = links
    }

    /// A page of the user's notifications, newest first (by latest activity).
    public func page(userID: Int64, page: PageRequest) async throws -> NotificationPage {
        let keys = page.keys
        let rows = try await pool.query(SocialQuery.notificationsPage, [userID, keys.micros, keys.id, page.limit + 1])
        var views: [NotificationView] = []
        var last: Cursor?
        for row in rows.prefix(page.limit) {
            views.append(try NotificationView(row, links: links))
            last = Cursor(micros: try row["latest_us", as: Int64.self], id: try row["id", as: Int64.self])
        }
        return NotificationPage(notifications: views, nextCursor: rows.count > page.limit ? last?.encoded : nil)
    }

    /// Unread notifications (retracted ones do not count).
    public func unreadCount(userID: Int64) async throws -> UnreadCount {
        let rows = try await pool.query(SocialQuery.unreadNotificationCount, [userID])
        return UnreadCount(unreadCount: try rows[0]["unread", as: Int64.self])
    }

    /// Marks the user's notifications read up to `upTo` (a notification id; nil: all) and
    /// returns the unread count left. Each marked notification takes a change number, so the
    /// user's other streams see it.
    public func markRead(userID: Int64, upTo: Int64?) async throws -> UnreadCount {
        try await pool.transaction { connection in
            try connection.query(SocialQuery.lockNotificationChanges)
            let marked = try connection.query(SocialQuery.markNotificationsRead, [userID, upTo ?? Int64.max])
            if !marked.isEmpty { try connection.query(SocialQuery.notifyRecipients, [PostgresArray([userID])]) }
            let rows = try connection.query(SocialQuery.unreadNotificationCount, [userID])
            return UnreadCount(unreadCount: try rows[0]["unread", as: Int64.self])
        }
    }

    /// Changes after `change`, oldest first, at most `limit`.
    func changes(userID: Int64, after change: Int64, limit: Int) async throws -> [NotificationView] {
        let rows = try await pool.query(SocialQuery.notificationChanges, [userID, change, Int32(clamping: limit)])
        let links = self.links
        return try rows.map { try NotificationView($0, links: links) }
    }

    /// The user's latest change number (0 for none).
    func latestChange(userID: Int64) async throws -> Int64 {
        try await pool.query(SocialQuery.latestNotificationChange, [userID])[0]["change", as: Int64.self]
    }

    /// A new single-use stream ticket for the user, live for `ticketLifetime`.
    public func newTicket(userID: Int64) async throws -> StreamTicket {
        var generator = SystemRandomNumberGenerator()
        let ticket = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let rows = try await pool.query(
            SocialQuery.insertStreamTicket, [SHA256.hex(Array(ticket.utf8)), userID, configuration.ticketLifetime.queueSeconds])
        return StreamTicket(ticket: ticket, expiresAt: try rows[0]["expires_at", as: Date.self])
    }

    /// The user a ticket was issued to; the ticket is spent. 400 `invalid_ticket` when it is
    /// not 64 hex digits, 401 `unknown_ticket` when unknown, used or expired.
    public func redeem(ticket: String, now: Date? = nil) async throws -> Int64 {
        guard ticket.utf8.count == 64, ticket.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw SocialError(.invalid, "invalid_ticket", "a stream ticket is 64 lower-case hex digits")
        }
        let rows = try await pool.query(SocialQuery.redeemStreamTicket, [SHA256.hex(Array(ticket.utf8)), now])
        guard let row = rows.first, try row["live", as: Bool.self] else {
            throw SocialError(.unauthorized, "unknown_ticket", "the stream ticket is unknown, used or expired")
        }
        return try row["user_id", as: Int64.self]
    }
}
