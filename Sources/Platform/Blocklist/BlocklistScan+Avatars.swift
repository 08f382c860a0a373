import Logging

extension BlocklistScan {
    /// Checks every ready avatar with hashes against an import's entries (`index`, loaded with
    /// the first page when nil) and takes the matches down (`Blocklist.takeDownAvatar`), removing
    /// their files at once when `store` is set (their `avatar.takedown` jobs then find nothing).
    func scanAvatars(importID: Int64, index: inout BlocklistIndex?, into result: inout Result) async throws {
        result.avatarsScanned = try await scanPages(importID: importID, index: &index, page: Self.avatarPage) { avatarID, hit in
            guard try await pool.transaction({ try Blocklist.takeDownAvatar(avatarID: avatarID, hit: hit, on: $0) }) else { return }
            result.avatarsBlocked.append(avatarID)
            logger.notice(
                "published avatar matched the hash list; taken down",
                metadata: ["avatar_id": "\(avatarID)", "entry_id": "\(hit.entryID)", "distance": "\(hit.distance)"])
            if let store {
                result.removed += try await pool.transaction {
                    try Blocklist.takeDownAvatarFiles(avatarID: avatarID, store: store, on: $0) ?? 0
                }
            }
        }
    }

    /// One page of ready avatars with hashes after `after`, with what they are matched by.
    private static func avatarPage(
        after: Int64, limit: Int, on connection: DatabaseConnection
    ) throws -> [(id: Int64, subject: BlocklistSubject)] {
        try connection.query(BlocklistQuery.publishedAvatarsAfter, [after, limit]).map { row in
            (try row["id", as: Int64.self], try BlocklistSubject(storedPhotoHashesOf: row))
        }
    }
}
