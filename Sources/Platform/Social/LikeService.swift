public import CoreMetrics

/// Likes: one `likes` row per user and post, exact and transactional. The post's count moves
/// through `like_deltas` (a +1 or -1 row written with the like, folded into `posts.like_count`
/// in batches by `LikeDeltaFolder`), so likers of one hot post never queue on its row lock. The
/// like's notification event commits with it.
///
/// On the folded path likes and unlikes go through `LikeBatcher`: the requests that arrive
/// while a group is being written share one statement and one commit (`LikeBatch` in
/// likes.sql), and each is answered once that commit is done.
public struct LikeService: Sendable {
    let pool: DatabasePool
    /// Whether counts move through `like_deltas` (else the post row is updated in the like's
    /// transaction; see `NotificationConfiguration.foldsLikeCounts`).
    let foldsCounts: Bool
    let batcher: LikeBatcher

    /// A service on `pool`; its groups are counted in `metrics` (`LikeBatcher`).
    public init(pool: DatabasePool, foldsCounts: Bool = true, metrics: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.pool = pool
        self.foldsCounts = foldsCounts
        batcher = LikeBatcher(pool: pool, metrics: metrics)
    }

    /// Likes a post and returns the new count (folded count plus pending deltas, this like
    /// included): 404 unknown or deleted post, 409 already liked, 403 `blocked` when the post's
    /// author and the user block each other.
    public func like(userID: Int64, postID: Int64) async throws -> LikeCount {
        guard foldsCounts else { return try await likeInline(userID: userID, postID: postID) }
        let outcome = try await batcher.submit(.init(userID: userID, postID: postID, isLike: true))
        guard outcome.live else { throw SocialError.notFound("post") }
        if outcome.blocked { throw RelationService.blocked }
        guard outcome.changed else { throw Self.alreadyLiked }
        return LikeCount(likeCount: outcome.likeCount)
    }

    /// Removes a like (and its notification, if not yet read): 404 when the post is unknown or
    /// deleted. Idempotent, as a `DELETE` is: a post this user does not like answers as if the
    /// like had just been removed.
    public func unlike(userID: Int64, postID: Int64) async throws {
        if foldsCounts {
            let outcome = try await batcher.submit(.init(userID: userID, postID: postID, isLike: false))
            if !outcome.changed, !outcome.live { throw SocialError.notFound("post") }
            return
        }
        try await pool.transaction { connection in
            let deleted = try connection.query(SocialQuery.deleteLike, [userID, postID])
            guard let row = deleted.first else {
                if try connection.query(SocialQuery.livePost, [postID]).isEmpty { throw SocialError.notFound("post") }
                return
            }
            try connection.query(SocialQuery.addLikeCount, [postID, Int64(-1)])
            try NotificationEvents.record(
                .like, recipient: try row["author_id", as: Int64.self], actor: userID, postID: postID, retract: true,
                on: connection)
        }
    }

    /// `--inline-like-counts` (the behaviour before the deltas, kept to measure against): the
    /// post row is locked first and held to the commit, which serialises every liker of the post.
    private func likeInline(userID: Int64, postID: Int64) async throws -> LikeCount {
        try await pool.transaction { connection in
            try RelationService.refuseBlocked(postID: postID, userID: userID, on: connection)
            let counted = try connection.query(SocialQuery.addLikeCount, [postID, Int64(1)])
            guard let countRow = counted.first else { throw SocialError.notFound("post") }
            let inserted = try connection.query(SocialQuery.insertLike, [userID, postID])
            guard let row = inserted.first else { throw SocialError.notFound("post") }
            guard try row["inserted", as: Int64.self] == 1 else { throw Self.alreadyLiked }
            try NotificationEvents.record(
                .like, recipient: try row["author_id", as: Int64.self], actor: userID, postID: postID, on: connection)
            return LikeCount(likeCount: try countRow["like_count", as: Int64.self])
        }
    }

    private static let alreadyLiked = SocialError(.conflict, "already_liked", "you already like this post")
}
