import Foundation

/// The moderation page's data: media the hash list blocked (with the matched entry and
/// distance), posts hidden by reports pending review, posts and users reported lately.
struct OperatorModeration: Encodable, Sendable {
    var hashListMatches: [Blocklist.MatchRecord]
    var pending: [OperatorModerationPost]
    var reportedPosts: [OperatorModerationPost]
    var reportedUsers: [OperatorReportedUser]
}

/// A post as the moderation page shows it: its author, reports and 150 picture.
struct OperatorModerationPost: Encodable, Sendable {
    var postId: Int64
    var authorId: Int64
    var author: String
    var mediaId: Int64
    /// `pending` (hidden by reports, not reviewed), `hidden` (an operator hid it) or `visible`.
    var state: String
    var hiddenBy: String?
    var moderatedAt: Date?
    var reportCount: Int64
    /// Reports per reason, most first: `spam 3, other 1`.
    var reasons: String
    /// The post's media's 150 JPEG (a video's poster's), once ready.
    var thumbnailUrl: String?

    init(_ post: ModerationService.HiddenPost, hidden: Bool, thumbnailURL: String?) {
        postId = post.postID
        authorId = post.authorID
        author = post.author
        mediaId = post.mediaID
        state = !hidden ? "visible" : post.moderatedAt == nil ? "pending" : "hidden"
        hiddenBy = post.hiddenBy
        moderatedAt = post.moderatedAt
        reportCount = post.reportCount
        reasons = post.reasons
        thumbnailUrl = thumbnailURL
    }
}

/// A user others reported.
struct OperatorReportedUser: Encodable, Sendable {
    var userId: Int64
    /// Nil once the account is gone.
    var username: String?
    var reportCount: Int64
    var reasons: String

    init(_ user: ModerationService.ReportedUser) {
        userId = user.userID
        username = user.username
        reportCount = user.reportCount
        reasons = user.reasons
    }
}

/// An operator's decision on a post.
struct OperatorModerationDecision: Encodable, Sendable {
    var postId: Int64
    var hidden: Bool
}

extension OperatorConsole {
    /// The moderation page's lists, at most `limit` entries each, with each post's thumbnail.
    func moderationOverview(limit: Int) async throws -> OperatorModeration {
        let pending = try await moderation.hiddenPosts(limit: limit)
        let reported = try await moderation.recentlyReportedPosts(limit: limit)
        var thumbnails: [Int64: String?] = [:]
        for mediaID in Set(pending.map(\.mediaID) + reported.map(\.post.mediaID)) {
            thumbnails[mediaID] = try await library.media(id: mediaID).flatMap { OperatorMedia($0).thumbnailURL }
        }
        let matches = try await library.pool.withConnection { try Blocklist.matches(limit: limit, on: $0) }
        return OperatorModeration(
            hashListMatches: matches,
            pending: pending.map { OperatorModerationPost($0, hidden: true, thumbnailURL: thumbnails[$0.mediaID] ?? nil) },
            reportedPosts: reported.map {
                OperatorModerationPost($0.post, hidden: $0.hidden, thumbnailURL: thumbnails[$0.post.mediaID] ?? nil)
            },
            reportedUsers: try await moderation.recentlyReportedUsers(limit: limit).map(OperatorReportedUser.init))
    }

    /// Hides or restores a post as `mediadaemon moderation hide|restore` does (404 for an
    /// unknown or deleted post), and drops this daemon's cached feed pages so its feeds show
    /// the decision at once (other daemons' within their cache's time to live).
    func decide(postID: Int64, hide: Bool) async throws -> OperatorModerationDecision {
        try await moderation.decide(postID: postID, hide: hide)
        feed.invalidateAll()
        return OperatorModerationDecision(postId: postID, hidden: hide)
    }
}
