public import Foundation

/// One (coalesced) notification as the API and the stream show it. A client builds "ada and
/// 5 others liked your post" from `actors` and `actor_count`; `text` is that sentence.
public struct NotificationView: Codable, Sendable, Equatable {
    /// One actor, newest first.
    public struct Actor: Codable, Sendable, Equatable {
        public var userID: String
        public var username: String
    }

    public var notificationID: String
    /// `like`, `comment`, `follow`, `mention`, `post_ready` or `post_failed`.
    public var kind: String
    public var postID: String?
    /// The latest few actors, newest first.
    public var actors: [Actor]
    /// Everyone the notification is about; 0 once every event was retracted (streams only).
    public var actorCount: Int
    public var latestAt: Date
    public var read: Bool
    /// The post's 150 rendition, when it has one.
    public var imageURL: String?
    /// A plain rendering, e.g. "ada and 2 others liked your post".
    public var text: String
    /// The change number (the stream's event id).
    public var change: String
}

/// A page of notifications, newest first.
public struct NotificationPage: Codable, Sendable, Equatable {
    public var notifications: [NotificationView]
    public var nextCursor: String?
}

/// `GET /api/v1/notifications/unread_count` and `POST /api/v1/notifications/read` answer.
public struct UnreadCount: Codable, Sendable, Equatable {
    public var unreadCount: Int64
}

/// `POST /api/v1/notifications/stream/tickets` answer.
public struct StreamTicket: Codable, Sendable, Equatable {
    public var ticket: String
    public var expiresAt: Date
}

extension NotificationView {
    /// The view of a `notification_views` row.
    init(_ row: DatabaseRow, links: MediaLinks = MediaLinks()) throws {
        let ids = try row["actors", as: PostgresArray<Int64>.self].elements
        let names = try row["actor_names", as: PostgresArray<String>.self].elements
        actors = zip(ids, names).map { Actor(userID: String($0), username: $1) }
        notificationID = String(try row["id", as: Int64.self])
        kind = try row["kind", as: String.self]
        postID = try row["post_id", as: Int64?.self].map(String.init)
        actorCount = Int(try row["actor_count", as: Int32.self])
        latestAt = try row["latest_at", as: Date.self]
        read = try row["read_at", as: Date?.self] != nil
        change = String(try row["change", as: Int64.self])
        imageURL = nil
        if try row["media_status", as: String?.self] == "ready", let mediaID = try row["media_id", as: Int64?.self],
            let manifest = try row["manifest", as: PostgresJSON?.self]
        {
            let small = PostQuery.mediaView(manifest, mediaID: mediaID, links: links).renditions.filter { $0.name == "150" }
            imageURL = (small.first { $0.format == "jpeg" } ?? small.first)?.url
        }
        text = Self.text(kind: kind, names: actors.map(\.username), count: actorCount)
    }

    /// "ada liked your post", "ada and bob …", "ada and 5 others …".
    static func text(kind: String, names: [String], count: Int) -> String {
        let what: String
        switch kind {
        case "like": what = "liked your post"
        case "comment": what = "commented on your post"
        case "follow": what = "started following you"
        case "mention": what = "mentioned you"
        case "post_ready": return "Your post is ready"
        case "post_failed": return "Your post could not be processed"
        default: what = kind
        }
        guard let first = names.first, count > 0 else { return "" }
        switch count {
        case 1: return "\(first) \(what)"
        case 2 where names.count >= 2: return "\(first) and \(names[1]) \(what)"
        default: return "\(first) and \(count - 1) others \(what)"
        }
    }
}
