/// The social services' named SQL statements, from the `-- name: X` blocks of the `.sql` files
/// in `Social/SocialQueries` (one file per service; each block documents its parameters).
enum SocialQuery: String, NamedQuery {
    // users.sql
    case insertUser = "InsertUser"
    case userCredentials = "UserCredentials"
    case insertSession = "InsertSession"
    case sessionUser = "SessionUser"
    case revokeSession = "RevokeSession"
    case userProfile = "UserProfile"
    case userExists = "UserExists"
    case deleteExpiredSessions = "DeleteExpiredSessions"
    // logins.sql
    case loginLockout = "LoginLockout"
    case recordLoginFailure = "RecordLoginFailure"
    case clearLoginFailures = "ClearLoginFailures"
    case deleteStaleLoginFailures = "DeleteStaleLoginFailures"
    // follows.sql
    case followeeFollowerCount = "FolloweeFollowerCount"
    case insertFollow = "InsertFollow"
    case deleteFollow = "DeleteFollow"
    case adjustFollowCounts = "AdjustFollowCounts"
    case backfillTimeline = "BackfillTimeline"
    case deleteAuthorFromTimeline = "DeleteAuthorFromTimeline"
    // likes.sql
    case addLikeCount = "AddLikeCount"
    case insertLike = "InsertLike"
    case deleteLike = "DeleteLike"
    case subtractLikeCount = "SubtractLikeCount"
    // comments.sql
    case addCommentCount = "AddCommentCount"
    case insertComment = "InsertComment"
    case commentsPage = "CommentsPage"
    // posts.sql
    case lockIdempotencyKey = "LockIdempotencyKey"
    case postForIdempotencyKey = "PostForIdempotencyKey"
    case insertPost = "InsertPost"
    case addPostCount = "AddPostCount"
    case insertPostIdempotency = "InsertPostIdempotency"
    case mediaStatus = "MediaStatus"
    case livePost = "LivePost"
    case getPost = "GetPost"
    case userPostsPage = "UserPostsPage"
    case lockPostForDelete = "LockPostForDelete"
    case markPostDeleted = "MarkPostDeleted"
    case subtractPostCount = "SubtractPostCount"
    case deletePostFromTimelines = "DeletePostFromTimelines"
    case lockMediaForPostCount = "LockMediaForPostCount"
    case otherLivePostOnMedia = "OtherLivePostOnMedia"
    // feed.sql
    case fanOutSource = "FanOutSource"
    case fanOutPost = "FanOutPost"
    case trimFollowerTimelines = "TrimFollowerTimelines"
    case deleteTimeline = "DeleteTimeline"
    case rebuildTimeline = "RebuildTimeline"
    case markTimelineBuilt = "MarkTimelineBuilt"
    case feedPage = "FeedPage"

    static let catalog = QueryCatalog(folder: "SocialQueries")
}
