import Foundation

/// The `user.delete` job's body: removes everything of an account marked deleted
/// (`UserService.requestDeletion`), step by step, each step in batches of its own transactions.
///
/// Every step finds its rows by the user, so it is idempotent: a run interrupted anywhere (a
/// crash, a lost lease) is finished by running it again. Counters other users see move with the
/// rows: a like removed takes its 1 off the post's count through `like_deltas` (as an unlike
/// does), a follow removed takes 1 off the other user's count. The users row goes last, in one
/// transaction that first sweeps whatever a request that was already authenticated wrote after
/// its step (sessions are revoked at once, but a daemon's session cache may hold a token for
/// `sessionCacheTTL`). What stays: the username's tombstone (until its grace period ends).
public struct AccountDeletion: Sendable {
    let pool: DatabasePool
    let store: ObjectStore
    /// Whether like counts move through `like_deltas` (see `NotificationConfiguration.foldsLikeCounts`).
    let foldsLikeCounts: Bool
    /// Rows per transaction.
    let batch: Int
    /// Called when enqueueing a media's file removal (`PostHooks.enqueueDeletion`).
    let enqueueMediaDeletion: @Sendable (_ mediaID: Int64, _ connection: DatabaseConnection) throws -> Void

    /// The steps, in order, with their names as progress reports them.
    public enum Step: String, CaseIterable, Sendable {
        case posts, likes, comments, follows, notifications, avatars, media, account
    }

    /// A deletion on `pool` and `store`.
    public init(
        pool: DatabasePool, store: ObjectStore, foldsLikeCounts: Bool = true, batch: Int = 500,
        enqueueMediaDeletion: @escaping @Sendable (_ mediaID: Int64, _ connection: DatabaseConnection) throws -> Void
    ) {
        self.pool = pool
        self.store = store
        self.foldsLikeCounts = foldsLikeCounts
        self.batch = batch
        self.enqueueMediaDeletion = enqueueMediaDeletion
    }

    /// Runs every step from the first (those done already find nothing). `progress` hears the
    /// fraction done and the step's name before each step; `isCancelled` is checked between
    /// batches. Returns false when the account is not being deleted (gone already, or never
    /// asked for): nothing is done.
    @discardableResult
    public func run(
        userID: Int64, steps: [Step] = Step.allCases, progress: @Sendable (Double, String) -> Void = { _, _ in },
        isCancelled: @Sendable () -> Bool = { false }
    ) async throws -> Bool {
        guard let row = try await pool.query(SocialQuery.deletingUser, [userID]).first else { return false }
        let username = try row["username", as: String.self]
        for (index, step) in steps.enumerated() {
            progress(Double(index) / Double(Step.allCases.count), step.rawValue)
            if isCancelled() { throw CancellationError() }
            try await run(step, userID: userID, username: username, isCancelled: isCancelled)
        }
        progress(1, "done")
        return true
    }

    private func run(_ step: Step, userID: Int64, username: String, isCancelled: () -> Bool) async throws {
        switch step {
        case .posts:
            try await repeatBatches(isCancelled) { try deletePosts(userID: userID, on: $0) }
        case .likes:
            try await repeatBatches(isCancelled) { try count($0.query(SocialQuery.deleteUserLikes, [userID, batch, foldsLikeCounts])) }
        case .comments:
            try await repeatBatches(isCancelled) { try count($0.query(SocialQuery.deleteUserComments, [userID, batch])) }
        case .follows:
            try await repeatBatches(isCancelled) { try count($0.query(SocialQuery.deleteUserFollowing, [userID, batch])) }
            try await repeatBatches(isCancelled) { try count($0.query(SocialQuery.deleteUserFollowers, [userID, batch])) }
        case .notifications:
            for query in [SocialQuery.deleteUserNotificationEvents, .deleteUserNotifications, .deleteUserAsActor] {
                try await repeatBatches(isCancelled) { try count($0.query(query, [userID, batch])) }
            }
            try await pool.query(SocialQuery.scrubUserFromActorLists, [userID])
        case .avatars:
            let store = self.store
            try await pool.transaction { connection in _ = try AvatarService.removeAll(userID: userID, store: store, on: connection) }
        case .media:
            try await removeMediaFiles(userID: userID)
        case .account:
            try await deleteAccount(userID: userID, username: username)
        }
    }

    /// Runs `body` in its own transaction until it handles no row.
    private func repeatBatches(_ isCancelled: () -> Bool, _ body: @escaping @Sendable (DatabaseConnection) throws -> Int64) async throws {
        while try await pool.transaction(body) > 0 {
            if isCancelled() { throw CancellationError() }
        }
    }

    private func count(_ result: QueryResult) throws -> Int64 {
        try result.first?["handled", as: Int64.self] ?? 0
    }

    /// One batch of the user's live posts deleted as `PostService.delete` deletes one: out of
    /// every timeline, and a media no other live post shows marked deleted with its removal job.
    private func deletePosts(userID: Int64, on connection: DatabaseConnection) throws -> Int64 {
        let rows = try connection.query(SocialQuery.userLivePosts, [userID, batch])
        for row in rows {
            try PostService.deleteLocked(
                postID: try row["id", as: Int64.self], authorID: userID, mediaID: try row["media_id", as: Int64.self],
                enqueueDeletion: enqueueMediaDeletion, on: connection)
        }
        return Int64(rows.count)
    }

    /// Removes the files of every media of the user's posts that no live post shows: renditions,
    /// and the original unless a live media holds the same bytes (`MediaFiles.removeDeleted`;
    /// the `media.delete` jobs enqueued with the posts then find nothing left).
    private func removeMediaFiles(userID: Int64) async throws {
        let media = try await pool.query(SocialQuery.userDeletedMedia, [userID]).map { try $0["id", as: Int64.self] }
        let store = self.store
        for mediaID in media {
            try await pool.transaction { connection in _ = try MediaFiles.removeDeleted(mediaID: mediaID, store: store, on: connection) }
        }
    }

    /// The last step: sweeps what was written after its step, deletes the posts' rows and the
    /// user's row (sessions, timelines, blocks, mutes and stream tickets go with it).
    private func deleteAccount(userID: Int64, username: String) async throws {
        let (batch, folds) = (Int.max / 2, foldsLikeCounts)
        try await repeatBatches({ false }) { [batch = self.batch] in try count($0.query(SocialQuery.deleteUserPosts, [userID, batch])) }
        try await pool.transaction { [self] connection in
            while try deletePosts(userID: userID, on: connection) > 0 {}
            try connection.query(SocialQuery.deleteUserLikes, [userID, batch, folds])
            try connection.query(SocialQuery.deleteUserComments, [userID, batch])
            try connection.query(SocialQuery.deleteUserFollowing, [userID, batch])
            try connection.query(SocialQuery.deleteUserFollowers, [userID, batch])
            try connection.query(SocialQuery.deleteUserNotificationEvents, [userID, batch])
            try connection.query(SocialQuery.deleteUserAsActor, [userID, batch])
            try connection.query(SocialQuery.scrubUserFromActorLists, [userID])
            try connection.query(SocialQuery.deleteUserPosts, [userID, batch])
            try connection.query(SocialQuery.deleteLoginFailures, [LoginThrottle.keys(username: username, address: nil)[0]])
            try connection.query(SocialQuery.deleteUser, [userID])
        }
    }
}
