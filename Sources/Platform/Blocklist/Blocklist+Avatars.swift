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
