import Foundation

/// Blocks and mutes (migration 0020). A block removes the follows between the two users (with
/// both users' counts and the timeline rows they put there) in the same transaction; while it
/// stands neither sees the other's posts, comments or profile, and the blocked user cannot
/// follow, like or comment. A mute takes the muted user's posts out of the muter's feed only.
public struct RelationService: Sendable {
    let pool: DatabasePool
    let configuration: SocialConfiguration

    /// A service on `pool`.
    public init(pool: DatabasePool, configuration: SocialConfiguration = SocialConfiguration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// `blocker` blocks `blocked`: 404 unknown user, 403 oneself. Idempotent (a `PUT`).
    public func block(blocker: Int64, blocked: Int64) async throws -> BlockState {
        guard blocker != blocked else { throw SocialError(.forbidden, "cannot_block_self", "you cannot block yourself") }
        return try await pool.transaction { connection in
            guard try connection.query(SocialQuery.insertBlock, [blocker, blocked]).first != nil else {
                throw SocialError.notFound("user")
            }
            for (follower, followee) in [(blocker, blocked), (blocked, blocker)] {
                guard try connection.query(SocialQuery.deleteFollow, [follower, followee]).affectedRows == 1 else { continue }
                try connection.query(SocialQuery.adjustFollowCounts, [follower, followee, Int64(-1)])
                try NotificationEvents.record(
                    .follow, recipient: followee, actor: follower, postID: nil, retract: true, on: connection)
                try connection.query(SocialQuery.deleteAuthorFromTimeline, [follower, followee])
            }
            return BlockState(blocking: true)
        }
    }

    /// Lifts a block; idempotent. Follows removed by the block stay removed.
    public func unblock(blocker: Int64, blocked: Int64) async throws -> BlockState {
        try await pool.query(SocialQuery.deleteBlock, [blocker, blocked])
        return BlockState(blocking: false)
    }

    /// `muter` mutes `muted`: their posts leave the muter's timeline. 404 unknown user, 403
    /// oneself. Idempotent.
    public func mute(muter: Int64, muted: Int64) async throws -> MuteState {
        guard muter != muted else { throw SocialError(.forbidden, "cannot_mute_self", "you cannot mute yourself") }
        return try await pool.transaction { connection in
            guard try connection.query(SocialQuery.insertMute, [muter, muted]).first != nil else {
                throw SocialError.notFound("user")
            }
            try connection.query(SocialQuery.deleteAuthorFromTimeline, [muter, muted])
            return MuteState(muting: true)
        }
    }

    /// Lifts a mute; a followed user's recent posts come back into the muter's timeline.
    /// Idempotent.
    public func unmute(muter: Int64, muted: Int64) async throws -> MuteState {
        let length = configuration.timelineLength
        return try await pool.transaction { connection in
            guard try connection.query(SocialQuery.deleteMute, [muter, muted]).affectedRows == 1 else {
                return MuteState(muting: false)
            }
            if try !connection.query(SocialQuery.isFollowing, [muter, muted]).isEmpty {
                try connection.query(SocialQuery.backfillTimeline, [muter, muted, length])
            }
            return MuteState(muting: false)
        }
    }

    /// The users `userID` blocks, newest first.
    public func blocked(by userID: Int64, page: PageRequest) async throws -> RelatedUserPage {
        try await list(SocialQuery.blockedUsersPage, userID: userID, page: page)
    }

    /// The users `userID` mutes, newest first.
    public func muted(by userID: Int64, page: PageRequest) async throws -> RelatedUserPage {
        try await list(SocialQuery.mutedUsersPage, userID: userID, page: page)
    }

    private func list(_ query: SocialQuery, userID: Int64, page: PageRequest) async throws -> RelatedUserPage {
        let keys = page.keys
        let rows = try await pool.query(query, [userID, keys.micros, keys.id, page.limit + 1])
        var users: [RelatedUser] = []
        var last: Cursor?
        for row in rows.prefix(page.limit) {
            let id = try row["id", as: Int64.self]
            users.append(
                RelatedUser(
                    userID: String(id), username: try row["username", as: String.self],
                    since: try row["created_at", as: Date.self]))
            last = Cursor(micros: try row["created_us", as: Int64.self], id: id)
        }
        return RelatedUserPage(users: users, nextCursor: rows.count > page.limit ? last?.encoded : nil)
    }

    /// Throws 403 `blocked` when the two users block each other (either way).
    static func refuseBlocked(_ first: Int64, _ second: Int64, on connection: DatabaseConnection) throws {
        guard try connection.query(SocialQuery.blockBetween, [first, second]).isEmpty else { throw blocked }
    }

    /// Throws 403 `blocked` when the post's author and `userID` block each other.
    static func refuseBlocked(postID: Int64, userID: Int64, on connection: DatabaseConnection) throws {
        guard try connection.query(SocialQuery.postAuthorBlock, [postID, userID]).isEmpty else { throw blocked }
    }

    static let blocked = SocialError(.forbidden, "blocked", "you cannot do this while one of you blocks the other")
}
