public import Foundation

/// The operator's side of reports (`mediadaemon moderation list|hide|restore`): hidden posts
/// pending review, reported users, and decisions (statements in `SocialQueries/reports.sql`).
public struct ModerationService: Sendable {
    let pool: DatabasePool

    /// A hidden post as the operator sees it.
    public struct HiddenPost: Sendable, Equatable {
        public var postID: Int64
        public var authorID: Int64
        public var author: String
        /// The post's media (its renditions are the post's pictures).
        public var mediaID: Int64
        /// `reports` or `operator`.
        public var hiddenBy: String?
        /// When an operator decided; nil while pending review.
        public var moderatedAt: Date?
        public var reportCount: Int64
        /// Reports per reason, most first: `spam 3, other 1`.
        public var reasons: String
    }

    /// A reported post, hidden or not.
    public struct ReportedPost: Sendable, Equatable {
        /// The post as `HiddenPost` describes it (`hiddenBy` nil while visible).
        public var post: HiddenPost
        public var hidden: Bool
    }

    /// A user others reported.
    public struct ReportedUser: Sendable, Equatable {
        public var userID: Int64
        /// Nil when the account no longer exists.
        public var username: String?
        public var reportCount: Int64
        public var reasons: String
    }

    /// A service on `pool`.
    public init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Hidden posts, newest first: those pending review, or with `all` every hidden post; at
    /// most `limit` (nil: all of them).
    public func hiddenPosts(all: Bool = false, limit: Int? = nil) async throws -> [HiddenPost] {
        try await pool.query(SocialQuery.moderationQueue, [all, limit.map(Int64.init)]).map { row in
            HiddenPost(
                postID: try row["id", as: Int64.self], authorID: try row["user_id", as: Int64.self],
                author: try row["username", as: String.self], mediaID: try row["media_id", as: Int64.self],
                hiddenBy: try row["hidden_by", as: String?.self],
                moderatedAt: try row["moderated_at", as: Date?.self], reportCount: try row["report_count", as: Int64.self],
                reasons: try row["reasons", as: String.self])
        }
    }

    /// Live posts reported lately (among the newest 2000 post reports), most recently reported
    /// first, at most `limit`: bounded index walks, for the operator page.
    public func recentlyReportedPosts(limit: Int = 50) async throws -> [ReportedPost] {
        try await pool.query(SocialQuery.recentlyReportedPosts, [Int64(limit)]).map { row in
            ReportedPost(
                post: HiddenPost(
                    postID: try row["id", as: Int64.self], authorID: try row["user_id", as: Int64.self],
                    author: try row["username", as: String.self], mediaID: try row["media_id", as: Int64.self],
                    hiddenBy: try row["hidden_by", as: String?.self], moderatedAt: try row["moderated_at", as: Date?.self],
                    reportCount: try row["report_count", as: Int64.self], reasons: try row["reasons", as: String.self]),
                hidden: try row["hidden", as: Bool.self])
        }
    }

    /// Users reported lately (among the newest 2000 user reports), most recently reported
    /// first, at most `limit`, with all their reports: bounded index walks, for the operator page.
    public func recentlyReportedUsers(limit: Int = 50) async throws -> [ReportedUser] {
        try await pool.query(SocialQuery.recentlyReportedUsers, [Int64(limit)]).map(Self.reportedUser)
    }

    /// Users with reports against them, most reported first.
    public func reportedUsers() async throws -> [ReportedUser] {
        try await pool.query(SocialQuery.reportedUsers).map(Self.reportedUser)
    }

    private static func reportedUser(_ row: DatabaseRow) throws -> ReportedUser {
        ReportedUser(
            userID: try row["id", as: Int64.self], username: try row["username", as: String?.self],
            reportCount: try row["report_count", as: Int64.self], reasons: try row["reasons", as: String.self])
    }

    /// Hides a post (`hide` true) or shows it again, marking it reviewed: reports do not hide a
    /// reviewed post again. A hidden post leaves the timelines; a restored one goes back into
    /// its author's and followers' (at its own time, so older pages show it). 404 for an
    /// unknown or deleted post. Feeds show the change within their feed cache's time to live.
    public func decide(postID: Int64, hide: Bool) async throws {
        try await pool.transaction { connection in
            guard !(try connection.query(SocialQuery.moderatePost, [postID, hide])).isEmpty else {
                throw SocialError.notFound("post")
            }
            if hide {
                try connection.query(SocialQuery.deletePostFromTimelines, [postID])
            } else if let row = try connection.query(SocialQuery.fanOutSource, [postID]).first {
                // Live, ready and visible again. An author above the celebrity threshold is
                // merged at read time as well; the page query's UNION drops the repeat.
                try connection.query(SocialQuery.fanOutPost, [postID, try row["user_id", as: Int64.self]])
            }
        }
    }
}
