import Logging

extension BlocklistScan {
    /// Checks every ready avatar with hashes against an import's entries (`index`, loaded with
    /// the first page when nil) and takes the matches down (`Blocklist.takeDownAvatar`), removing
    /// their files at once when `store` is set (their `avatar.takedown` jobs then find nothing).
    func scanAvatars(importID: Int64, index: BlocklistIndex?, into result: inout Result) async throws {
        var index = index
        var after: Int64 = 0
        while true {
            let page = try await pool.withConnection { [after, pageSize] in try Self.avatarPage(after: after, limit: pageSize, on: $0) }
            guard let last = page.last else { break }
            after = last.id
            let entries: BlocklistIndex
            if let index {
                entries = index
            } else {
                entries = try await loadIndex(importID: importID)
                index = entries
            }
            guard entries.count > 0 else { break }
            result.avatarsScanned += page.count
            for (avatarID, subject) in page {
                guard let hit = entries.match(subject),
                    try await pool.transaction({ try Blocklist.takeDownAvatar(avatarID: avatarID, hit: hit, on: $0) })
                else { continue }
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
    }

    /// One page of ready avatars with hashes after `after`, with what they are matched by.
    private static func avatarPage(
        after: Int64, limit: Int, on connection: DatabaseConnection
    ) throws -> [(id: Int64, subject: BlocklistSubject)] {
        try connection.query(BlocklistQuery.publishedAvatarsAfter, [after, limit]).map { row in
            (
                try row["id", as: Int64.self],
                BlocklistSubject(
                    pdq: try row["pdq", as: PDQHash?.self], pdqQuality: try row["pdq_quality", as: Int?.self],
                    pdqVariants: try row["pdq_dihedral", as: PostgresArray<PDQHash>?.self]?.elements ?? [], frames: [])
            )
        }
    }
}
