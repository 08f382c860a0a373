extension Blocklist {
    /// The `error_code` of an avatar the hash list refused.
    public static let avatarBlockedCode = "blocked"

    /// Refuses an avatar that matched `hit` before anything of it was published, in the
    /// caller's transaction: it fails as a refused upload does (`AvatarService.fail`, code
    /// `avatarBlockedCode`: its upload goes, the user's avatar is unchanged) and a match record
    /// names it, with its user. Returns false, recording nothing, when it was not processing.
    @discardableResult
    public static func blockAvatar(avatarID: Int64, hit: BlocklistHit, store: ObjectStore, on connection: DatabaseConnection) throws -> Bool {
        guard try AvatarService.fail(avatarID: avatarID, code: avatarBlockedCode, store: store, on: connection) else {
            return false
        }
        try connection.query(
            BlocklistQuery.insertAvatarMatch, [avatarID, hit.entryID, hit.distance, FoundBy.processing.rawValue])
        return true
    }
}

extension Blocklist {
    /// The job kind that removes a taken-down avatar's files from the store.
    public static let avatarTakedownJobKind = "avatar.takedown"

    /// Keeps a ready avatar's PDQ and its rotation and mirror hashes, in its completion's
    /// transaction, so that a later import's scan matches it as processing would have.
    public static func recordAvatarHashes(avatarID: Int64, subject: BlocklistSubject, on connection: DatabaseConnection) throws {
        guard let pdq = subject.pdq else { return }
        try connection.query(
            BlocklistQuery.setAvatarHashes,
            [avatarID, pdq.hex, subject.pdqQuality, PostgresArray(subject.pdqVariants.map(\.hex))])
    }

    /// Takes down a ready avatar an import matched, in the caller's transaction: it fails with
    /// `avatarBlockedCode`, stops being its user's avatar (the profile, feed and comments show
    /// none), a match record names it (found by `import`), and an `avatar.takedown` job removes
    /// its files. Returns false, doing nothing, when it is no longer ready (replaced or gone).
    @discardableResult
    public static func takeDownAvatar(avatarID: Int64, hit: BlocklistHit, on connection: DatabaseConnection) throws -> Bool {
        // The user row, then the avatar, locked in the order completions take them.
        guard try !connection.query(SocialQuery.lockAvatar, [avatarID]).isEmpty,
            let row = try connection.query(BlocklistQuery.markAvatarBlocked, [avatarID, avatarBlockedCode]).first
        else { return false }
        try connection.query(BlocklistQuery.clearCurrentAvatar, [try row["user_id", as: Int64.self], avatarID])
        try connection.query(BlocklistQuery.insertAvatarMatch, [avatarID, hit.entryID, hit.distance, FoundBy.import.rawValue])
        try JobQueue.enqueue(
            try NewJob(
                kind: avatarTakedownJobKind, encoding: ["avatar_id": avatarID],
                idempotencyKey: "\(avatarTakedownJobKind):\(avatarID)"),
            on: connection)
        return true
    }

    /// Removes a taken-down avatar's files (`avatars/<id>/`) in the caller's transaction; nil,
    /// removing nothing, when the avatar is ready. Idempotent. Throws a transient `JobFailure`
    /// while a backup runs (see `StoreRemovals`).
    public static func takeDownAvatarFiles(avatarID: Int64, store: ObjectStore, on connection: DatabaseConnection) throws -> Int? {
        guard try StoreRemovals.tryHold(on: connection) else { throw StoreRemovals.backupRunning }
        if let row = try connection.query(BlocklistQuery.avatarFilesRemovable, [avatarID]).first,
            try !row["removable", as: Bool.self]
        {
            return nil
        }
        return try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: avatarID))
    }
}
