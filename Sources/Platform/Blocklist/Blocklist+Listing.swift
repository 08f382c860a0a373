public import Foundation

extension Blocklist {
    /// One import, for `blocklist list`.
    public struct ImportRecord: Sendable, Hashable, Codable {
        public var id: Int64
        public var source: String
        public var kind: String
        /// Entries the import added, and those of them still listed.
        public var entries: Int
        public var listed: Int
        /// The import's entry ids run from `firstEntry` to `lastEntry` (others' may interleave).
        public var firstEntry: Int64?
        public var lastEntry: Int64?
        public var importedAt: Date
    }

    /// One decision, for `blocklist matches` and the operator's moderation page: about a
    /// media (`mediaID`) or an avatar (`avatarID`), exactly one of the two.
    public struct MatchRecord: Sendable, Hashable, Codable {
        public var id: Int64
        public var mediaID: Int64?
        public var avatarID: Int64?
        public var entryID: Int64
        public var distance: Int
        public var postID: Int64?
        public var userID: Int64?
        /// `processing` or `import` (`FoundBy`).
        public var foundBy: String
        /// The source label of the entry's import.
        public var source: String?
        public var entryKind: String?
        public var createdAt: Date
    }

    /// Imports, newest first (`limit` nil: all).
    public static func imports(limit: Int?, on connection: DatabaseConnection) throws -> [ImportRecord] {
        try connection.query(BlocklistQuery.listImports, [limit]).map { row in
            ImportRecord(
                id: try row["id", as: Int64.self], source: try row["source", as: String.self],
                kind: try row["kind", as: String.self], entries: try row["entries", as: Int.self],
                listed: try row["listed", as: Int.self], firstEntry: try row["first_entry", as: Int64?.self],
                lastEntry: try row["last_entry", as: Int64?.self], importedAt: try row["imported_at", as: Date.self])
        }
    }

    /// Match records, newest first.
    public static func matches(limit: Int, on connection: DatabaseConnection) throws -> [MatchRecord] {
        try connection.query(BlocklistQuery.listMatches, [limit]).map { row in
            MatchRecord(
                id: try row["id", as: Int64.self], mediaID: try row["media_id", as: Int64?.self],
                avatarID: try row["avatar_id", as: Int64?.self],
                entryID: try row["entry_id", as: Int64.self], distance: try row["distance", as: Int.self],
                postID: try row["post_id", as: Int64?.self], userID: try row["user_id", as: Int64?.self],
                foundBy: try row["found_by", as: String.self], source: try row["source", as: String?.self],
                entryKind: try row["entry_kind", as: String?.self], createdAt: try row["created_at", as: Date.self])
        }
    }
}
