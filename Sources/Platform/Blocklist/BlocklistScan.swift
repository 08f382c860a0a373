public import Logging

/// Checks the media published before an import against that import's entries and blocks the
/// matches (`Blocklist.block`, found by `import`), then removes their renditions; then the ready
/// avatars the same way (`Blocklist.takeDownAvatar`, `BlocklistScan+Avatars.swift`).
///
/// Idempotent and resumable: each match is blocked in its own transaction together with its
/// `media.takedown` job, so a scan stopped anywhere leaves every media it matched either still
/// ready (the next run, the `blocklist.scan` job or the CLI again, finds it) or blocked with a
/// takedown job that removes its renditions. Blocking (libpq, store I/O).
public struct BlocklistScan: Sendable {
    public let pool: DatabasePool
    /// Where renditions are removed at once; nil leaves that to the takedown jobs.
    public let store: ObjectStore?
    public let logger: Logger
    /// Ready media read per page.
    public var pageSize = 1_000

    public init(pool: DatabasePool, store: ObjectStore?, logger: Logger) {
        self.pool = pool
        self.store = store
        self.logger = logger
    }

    /// What a scan found.
    public struct Result: Sendable, Hashable {
        /// Ready media compared.
        public var scanned: Int
        /// Media blocked by this scan.
        public var blocked: [Int64]
        /// Rendition objects removed by this scan (the takedown jobs find nothing left).
        public var removed: Int
        /// Ready avatars compared, and those taken down by this scan.
        public var avatarsScanned = 0
        public var avatarsBlocked: [Int64] = []
    }

    /// Scans every ready media, then every ready avatar, against the entries of `importID`
    /// that are still listed.
    public func run(importID: Int64) async throws -> Result {
        var result = Result(scanned: 0, blocked: [], removed: 0)
        var index: BlocklistIndex?
        result.scanned = try await scanPages(importID: importID, index: &index, page: Self.page) { mediaID, hit in
            let blocked = try await pool.transaction { connection in
                try Blocklist.block(mediaID: mediaID, hit: hit, foundBy: .import, on: connection)
            }
            guard blocked else { return }
            result.blocked.append(mediaID)
            logger.notice(
                "published media matched the hash list; taken down",
                metadata: ["media_id": "\(mediaID)", "entry_id": "\(hit.entryID)", "distance": "\(hit.distance)"])
            if let store {
                result.removed += try await pool.transaction { connection in
                    try Blocklist.takeDown(mediaID: mediaID, store: store, on: connection) ?? 0
                }
            }
        }
        try await scanAvatars(importID: importID, index: &index, into: &result)
        return result
    }

    /// Pages through published items with `page` (keyset by id, `pageSize` at a time) and calls
    /// `matched` for each one an entry of `importID` matches. The entries are loaded once, with
    /// the first page that has something to compare, and kept in `index` for the next scan.
    /// Returns how many items were compared.
    func scanPages(
        importID: Int64, index: inout BlocklistIndex?,
        page: @escaping @Sendable (_ after: Int64, _ limit: Int, DatabaseConnection) throws -> [(id: Int64, subject: BlocklistSubject)],
        matched: (_ id: Int64, _ hit: BlocklistHit) async throws -> Void
    ) async throws -> Int {
        var scanned = 0
        var after: Int64 = 0
        while true {
            let rows = try await pool.withConnection { [after, pageSize] in try page(after, pageSize, $0) }
            guard let last = rows.last else { return scanned }
            after = last.id
            if index == nil { index = try await loadIndex(importID: importID) }
            guard let entries = index, entries.count > 0 else { return scanned }
            scanned += rows.count
            for (id, subject) in rows {
                if let hit = entries.match(subject) { try await matched(id, hit) }
            }
        }
    }

    func loadIndex(importID: Int64) async throws -> BlocklistIndex {
        let index = BlocklistIndex()
        try await pool.withConnection { try index.load(importID: importID, on: $0) }
        return index
    }

    /// One page of ready media after `after` with what they are matched by.
    private static func page(
        after: Int64, limit: Int, on connection: DatabaseConnection
    ) throws -> [(id: Int64, subject: BlocklistSubject)] {
        let rows = try connection.query(BlocklistQuery.publishedMediaAfter, [after, limit])
        var page: [(id: Int64, subject: BlocklistSubject)] = []
        var videos: [Int64] = []
        for row in rows {
            let id = try row["id", as: Int64.self]
            page.append((id, try BlocklistSubject(storedPhotoHashesOf: row)))
            if try row["kind", as: String.self] == "video" { videos.append(id) }
        }
        if !videos.isEmpty {
            var frames: [Int64: [VideoFrameHash]] = [:]
            for row in try connection.query(BlocklistQuery.mediaFrames, [PostgresArray(videos)]) {
                frames[try row["media_id", as: Int64.self], default: []]
                    .append(VideoFrameHash(hash: try row["pdq", as: PDQHash.self], quality: try row["quality", as: Int.self]))
            }
            for index in page.indices { page[index].subject.frames = frames[page[index].id] ?? [] }
        }
        return page
    }
}

extension BlocklistSubject {
    /// A row's stored `pdq`, `pdq_quality` and `pdq_dihedral` (media and avatars keep them alike).
    init(storedPhotoHashesOf row: DatabaseRow) throws {
        self.init(
            pdq: try row["pdq", as: PDQHash?.self], pdqQuality: try row["pdq_quality", as: Int?.self],
            pdqVariants: try row["pdq_dihedral", as: PostgresArray<PDQHash>?.self]?.elements ?? [], frames: [])
    }
}
