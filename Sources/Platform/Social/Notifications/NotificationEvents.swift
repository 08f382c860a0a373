/// The notification events a write records in its own transaction (the outbox of migration
/// 0016): committed with the like, comment, follow, mention or media completion that causes
/// them, rolled back with it. `NotificationFolder` turns them into notifications.
public enum NotificationEvents {
    /// What an event is about; the raw value is the `kind` column's.
    public enum Kind: String, Sendable, CaseIterable {
        case like, comment, follow, mention
        case postReady = "post_ready"
        case postFailed = "post_failed"
    }

    /// Records that `actor` did `kind` to `recipient` (on `postID`, nil for follows), or with
    /// `retract` that it was undone. Nothing when actor and recipient are the same user.
    static func record(
        _ kind: Kind, recipient: Int64, actor: Int64, postID: Int64?, retract: Bool = false,
        on connection: DatabaseConnection
    ) throws {
        try connection.query(SocialQuery.insertNotificationEvent, [recipient, actor, kind.rawValue, postID, retract])
    }

    /// Records a mention event for each existing user `text` names with `@username` (other
    /// than the actor), or with `retract` takes them back (a deleted comment).
    static func mentions(
        in text: String, actor: Int64, postID: Int64, retract: Bool = false, on connection: DatabaseConnection
    ) throws {
        let names = Mentions.usernames(in: text)
        guard !names.isEmpty else { return }
        try connection.query(SocialQuery.insertMentionEvents, [actor, postID, PostgresArray(names), retract])
    }

    /// Records "your post is ready" (or failed) for every live post on `mediaID`, only on its
    /// first completion: call it before the media row leaves `processing`.
    public static func mediaFinished(mediaID: Int64, ready: Bool, on connection: DatabaseConnection) throws {
        let kind: Kind = ready ? .postReady : .postFailed
        try connection.query(SocialQuery.insertMediaEvents, [mediaID, kind.rawValue])
    }
}
