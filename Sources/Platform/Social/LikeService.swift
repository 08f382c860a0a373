/// Likes: one `likes` row per user and post, exact and transactional. The post's count moves
/// through `like_deltas` (a +1 or -1 row written in the like's transaction, folded into
/// `posts.like_count` in batches by `LikeDeltaFolder`), so likers of one hot post never queue
/// on its row lock. The like's notification event commits with it.
public struct LikeService: Sendable {
    let pool: DatabasePool
    /// Whether counts move through `like_deltas` (else the post row is updated in the like's
    /// transaction; see `NotificationConfiguration.foldsLikeCounts`).
    let foldsCounts: Bool

    /// A service on `pool`.
    public init(pool: DatabasePool, foldsCounts: Bool = true) {
        self.pool = pool
        self.foldsCounts = foldsCounts
    }

    /// Likes a post and returns the new count (folded count plus pending deltas, this like
    /// included): 404 unknown or deleted post, 409 already liked, 403 `blocked` when the post's
    /// author and the user block each other.
    public func like(userID: Int64, postID: Int64) async throws -> LikeCount {
        try await pool.transaction { [foldsCounts] connection in
            // Inline counting, as before the deltas: the post row is locked first and held to
            // the commit, which serialises every liker of the post.
            try RelationService.refuseBlocked(postID: postID, userID: userID, on: connection)
            var inline: Int64?
            if !foldsCounts {
                let counted = try connection.query(SocialQuery.addLikeCount, [postID, Int64(1)])
                guard let row = counted.first else { throw SocialError.notFound("post") }
                inline = try row["like_count", as: Int64.self]
            }
            let inserted = try connection.query(foldsCounts ? SocialQuery.likeWithDelta : SocialQuery.insertLike, [userID, postID])
            guard let row = inserted.first else { throw SocialError.notFound("post") }
            guard try row["inserted", as: Int64.self] == 1 else {
                throw SocialError(.conflict, "already_liked", "you already like this post")
            }
            try NotificationEvents.record(
                .like, recipient: try row["author_id", as: Int64.self], actor: userID, postID: postID, on: connection)
            return LikeCount(likeCount: try inline ?? row["like_count", as: Int64.self])
        }
    }

    /// Removes a like (and its notification, if not yet read): 404 when the post is unknown or
    /// deleted. Idempotent, as a `DELETE` is: a post this user does not like answers as if the
    /// like had just been removed.
    public func unlike(userID: Int64, postID: Int64) async throws {
        try await pool.transaction { [foldsCounts] connection in
            let deleted = try connection.query(SocialQuery.deleteLike, [userID, postID])
            guard let row = deleted.first else {
                if try connection.query(SocialQuery.livePost, [postID]).isEmpty { throw SocialError.notFound("post") }
                return
            }
            if foldsCounts {
                try connection.query(SocialQuery.insertLikeDelta, [postID, Int16(-1)])
            } else {
                try connection.query(SocialQuery.addLikeCount, [postID, Int64(-1)])
            }
            try NotificationEvents.record(
                .like, recipient: try row["author_id", as: Int64.self], actor: userID, postID: postID, retract: true,
                on: connection)
        }
    }
}
