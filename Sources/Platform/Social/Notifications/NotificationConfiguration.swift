/// Settings of notifications, their live streams and the hot-post like counter; defaults as
/// in the notifications issue (likes coalesce for an hour, comments for ten minutes).
public struct NotificationConfiguration: Sendable, Hashable {
    /// Events of one kind on one post for one recipient within this time of the first fold
    /// into one notification: likes.
    public var likeWindow: Duration = .seconds(3600)
    /// The window of comments and of mentions.
    public var commentWindow: Duration = .seconds(600)
    /// The window of follows (coalesced per recipient).
    public var followWindow: Duration = .seconds(3600)
    /// Actors a notification lists (newest first); `actor_count` counts them all.
    public var actorsShown = 3
    /// Events folded per transaction.
    public var foldBatch = 1000
    /// How often the folder looks for events without being woken (a NOTIFY lost while a
    /// listener reconnected), and how often a stream re-reads its changes for the same reason.
    public var pollInterval: Duration = .seconds(1)
    /// Time between heartbeats on an idle stream (comment lines proxies see as traffic).
    public var heartbeatInterval: Duration = .seconds(15)
    /// Streams one user may hold open at once (on this daemon).
    public var streamsPerUser = 5
    /// Streams this daemon holds open at once, all users together; counted apart from the
    /// ordinary connection cap, which a stream's connection leaves once it is a stream.
    public var maximumStreams = 4096
    /// How long a stream ticket can be redeemed.
    public var ticketLifetime: Duration = .seconds(60)
    /// Read (and retracted) notifications older than this are deleted by the maintenance.
    public var retention: Duration = .seconds(30 * 86_400)
    /// How often like deltas are folded into `posts.like_count`: a reader's count is at most
    /// about this far behind.
    public var likeFoldInterval: Duration = .seconds(1)
    /// Delta rows folded per statement.
    public var likeFoldBatch = 50_000
    /// False: each like updates `posts.like_count` in its own transaction, as before the
    /// deltas (every liker of a post waits on its row lock). Kept to measure against
    /// (`scripts/bench likes`); true is the default.
    public var foldsLikeCounts = true

    /// The defaults.
    public init() {}

    /// The coalescing window of `kind`; zero for kinds that never coalesce.
    func window(_ kind: NotificationEvents.Kind) -> Duration {
        switch kind {
        case .like: likeWindow
        case .comment, .mention: commentWindow
        case .follow: followWindow
        case .postReady, .postFailed: .zero
        }
    }

    /// Throws 400 `invalid_configuration` for a negative window or a non-positive count or
    /// interval.
    public func validate() throws {
        let windows = [likeWindow, commentWindow, followWindow]
        let intervals = [pollInterval, heartbeatInterval, ticketLifetime, retention, likeFoldInterval]
        guard windows.allSatisfy({ $0 >= .zero }), intervals.allSatisfy({ $0 > .zero }),
            actorsShown > 0, foldBatch > 0, streamsPerUser > 0, maximumStreams > 0, likeFoldBatch > 0
        else {
            throw SocialError(.invalid, "invalid_configuration", "notification settings out of range")
        }
    }
}
