/// Likes: one per user and post, `posts.like_count` changed in the same transaction.
public struct LikeService: Sendable {
    let pool: DatabasePool

    /// A service on `pool`.
    public init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Likes a post and returns the new count: 404 unknown or deleted post, 409 already liked.
    public func like(userID: Int64, postID: Int64) async throws -> LikeCount {
        try await pool.transaction { connection in
            // The row lock taken here serialises concurrent likes of one post.
            let updated = try connection.query(SocialQuery.addLikeCount, [postID])
            guard let row = updated.first else { throw SocialError.notFound("post") }
            let inserted = try connection.query(SocialQuery.insertLike, [userID, postID])
            guard inserted.affectedRows == 1 else {
                throw SocialError(.conflict, "already_liked", "you already like this post")
            }
            return LikeCount(likeCount: try row["like_count", as: Int64.self])
        }
    }

    /// Removes a like: 404 when the post is unknown or deleted. Idempotent, as a `DELETE` is:
    /// a post this user does not like answers as if the like had just been removed.
    public func unlike(userID: Int64, postID: Int64) async throws {
        try await pool.transaction { connection in
            let deleted = try connection.query(SocialQuery.deleteLike, [userID, postID])
            guard deleted.affectedRows == 1 else {
                if try connection.query(SocialQuery.livePost, [postID]).isEmpty { throw SocialError.notFound("post") }
                return
            }
            try connection.query(SocialQuery.subtractLikeCount, [postID])
        }
    }
}
