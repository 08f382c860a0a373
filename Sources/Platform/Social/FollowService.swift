/// Follow and unfollow, with both users' counts changed in the same transaction.
public struct FollowService: Sendable {
    let pool: DatabasePool
    let configuration: SocialConfiguration

    /// A service on `pool`.
    public init(pool: DatabasePool, configuration: SocialConfiguration = SocialConfiguration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// `follower` follows `followee`: 404 unknown user, 409 already following, 403 oneself
    /// (a well-formed request the caller may not make, like Twitter's "You can't follow
    /// yourself"), 403 `blocked` when either blocks the other.
    ///
    /// A follower whose timeline is materialised gets the followee's recent posts in it at once
    /// (unless the followee is above the celebrity threshold: those are pulled on read).
    public func follow(follower: Int64, followee: Int64) async throws -> FollowState {
        guard follower != followee else {
            throw SocialError(.forbidden, "cannot_follow_self", "you cannot follow yourself")
        }
        let threshold = configuration.celebrityFollowerThreshold
        let backfill = configuration.timelineLength
        return try await pool.transaction { connection in
            let target = try connection.query(SocialQuery.followeeFollowerCount, [followee])
            guard let row = target.first else { throw SocialError.notFound("user") }
            try RelationService.refuseBlocked(follower, followee, on: connection)
            let inserted = try connection.query(SocialQuery.insertFollow, [follower, followee])
            guard inserted.affectedRows == 1 else {
                throw SocialError(.conflict, "already_following", "you already follow this user")
            }
            try Self.adjustCounts(connection, follower: follower, followee: followee, by: 1)
            try NotificationEvents.record(.follow, recipient: followee, actor: follower, postID: nil, on: connection)
            if try row["follower_count", as: Int64.self] + 1 < threshold {
                try connection.query(SocialQuery.backfillTimeline, [follower, followee, backfill])
            }
            return FollowState(following: true)
        }
    }

    /// Stops following: the followee's posts leave the follower's timeline and future posts
    /// are not fanned out to it. 404 for an unknown user. Idempotent, as a `DELETE` is: not
    /// following already answers `following: false`, so a retried request gets the state it
    /// asked for instead of an error.
    public func unfollow(follower: Int64, followee: Int64) async throws -> FollowState {
        try await pool.transaction { connection in
            let deleted = try connection.query(SocialQuery.deleteFollow, [follower, followee])
            guard deleted.affectedRows == 1 else {
                let exists = try connection.query(SocialQuery.userExists, [followee])
                if exists.isEmpty { throw SocialError.notFound("user") }
                return FollowState(following: false)
            }
            try Self.adjustCounts(connection, follower: follower, followee: followee, by: -1)
            try NotificationEvents.record(
                .follow, recipient: followee, actor: follower, postID: nil, retract: true, on: connection)
            try connection.query(SocialQuery.deleteAuthorFromTimeline, [follower, followee])
            return FollowState(following: false)
        }
    }

    /// One statement for both rows, so two opposite follows lock them in the same (id) order.
    private static func adjustCounts(
        _ connection: DatabaseConnection, follower: Int64, followee: Int64, by delta: Int64
    ) throws {
        try connection.query(SocialQuery.adjustFollowCounts, [follower, followee, delta])
    }
}
