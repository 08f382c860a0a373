/// Follow and unfollow, with both users' counts changed in the same transaction.
public struct FollowService: Sendable {
    let pool: DatabasePool
    let configuration: SocialConfiguration

    /// A service on `pool`.
    public init(pool: DatabasePool, configuration: SocialConfiguration = SocialConfiguration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// `follower` follows `followee`: 404 unknown user, 409 already following, 400 oneself.
    ///
    /// A follower whose timeline is materialised gets the followee's recent posts in it at once
    /// (unless the followee is above the celebrity threshold: those are pulled on read).
    public func follow(follower: Int64, followee: Int64) async throws -> FollowState {
        guard follower != followee else {
            throw SocialError(.invalid, "cannot_follow_self", "you cannot follow yourself")
        }
        let threshold = configuration.celebrityFollowerThreshold
        let backfill = configuration.timelineLength
        return try await pool.transaction { connection in
            let target = try connection.query("SELECT follower_count FROM users WHERE id = $1", [followee])
            guard let row = target.first else { throw SocialError.notFound("user") }
            let inserted = try connection.query(
                "INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [follower, followee])
            guard inserted.affectedRows == 1 else {
                throw SocialError(.conflict, "already_following", "you already follow this user")
            }
            try Self.adjustCounts(connection, follower: follower, followee: followee, by: 1)
            if try row["follower_count", as: Int64.self] + 1 < threshold {
                try connection.query(
                    """
                    INSERT INTO timelines (user_id, post_id, author_id, created_at)
                    SELECT $1, p.id, p.user_id, p.created_at FROM posts p JOIN media m ON m.id = p.media_id
                    WHERE p.user_id = $2 AND NOT p.deleted AND m.status = 'ready'
                      AND EXISTS (SELECT 1 FROM timeline_state s WHERE s.user_id = $1)
                    ORDER BY p.created_at DESC, p.id DESC LIMIT $3
                    ON CONFLICT DO NOTHING
                    """, [follower, followee, backfill])
            }
            return FollowState(following: true)
        }
    }

    /// Stops following: the followee's posts leave the follower's timeline and future posts
    /// are not fanned out to it. 404 for an unknown user or when not following.
    public func unfollow(follower: Int64, followee: Int64) async throws -> FollowState {
        try await pool.transaction { connection in
            let deleted = try connection.query(
                "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2", [follower, followee])
            guard deleted.affectedRows == 1 else {
                let exists = try connection.query("SELECT 1 FROM users WHERE id = $1", [followee])
                if exists.isEmpty { throw SocialError.notFound("user") }
                throw SocialError(.notFound, "not_following", "you do not follow this user")
            }
            try Self.adjustCounts(connection, follower: follower, followee: followee, by: -1)
            try connection.query(
                "DELETE FROM timelines WHERE user_id = $1 AND author_id = $2", [follower, followee])
            return FollowState(following: false)
        }
    }

    /// One statement for both rows, so two opposite follows lock them in the same (id) order.
    private static func adjustCounts(
        _ connection: DatabaseConnection, follower: Int64, followee: Int64, by delta: Int64
    ) throws {
        try connection.query(
            """
            UPDATE users SET
                following_count = following_count + CASE WHEN id = $1 THEN $3 ELSE 0 END,
                follower_count = follower_count + CASE WHEN id = $2 THEN $3 ELSE 0 END
            WHERE id IN (SELECT unnest(ARRAY[$1, $2]::bigint[]) ORDER BY 1)
            """, [follower, followee, delta])
    }
}
