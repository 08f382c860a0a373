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
        var after: Int64 = 0
        while true {
            let (page, last) = try await pool.withConnection { [after, pageSize] in
                try Self.page(after: after, limit: pageSize, on: $0)
            }
            guard let last else { break }
            after = last
            // Loaded once something published is there to compare.
            let entries: BlocklistIndex
            if let index {
                entries = index
            } else {
                entries = try await loadIndex(importID: importID)
                index = entries
            }
            guard entries.count > 0 else { break }
            result.scanned += page.count
            for (mediaID, subject) in page {
                guard let hit = entries.match(subject) else { continue }
                let blocked = try await pool.transaction { connection in
                    try Blocklist.block(mediaID: mediaID, hit: hit, foundBy: .import, on: connection)
                }
                guard blocked else { continue }
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
        }
        try await scanAvatars(importID: importID, index: index, into: &result)
        return result
    }

    func loadIndex(importID: Int64) async throws -> BlocklistIndex {
        let index = BlocklistIndex()
        try await pool.withConnection { try index.load(importID: importID, on: $0) }
        return index
    }

    /// One page of ready media with what they are matched by; the last id read (nil: none).
    private static func page(
        after: Int64, limit: Int, on connection: DatabaseConnection
    ) throws -> (page: [(Int64, BlocklistSubject)], last: Int64?) {
        let rows = try connection.query(BlocklistQuery.publishedMediaAfter, [after, limit])
        var page: [(Int64, BlocklistSubject)] = []
        var videos: [Int64] = []
        for row in rows {
            let id = try row["id", as: Int64.self]
            let variants = try row["pdq_dihedral", as: PostgresArray<PDQHash>?.self]?.elements ?? []
            page.append(
                (id, BlocklistSubject(
                    pdq: try row["pdq", as: PDQHash?.self], pdqQuality: try row["pdq_quality", as: Int?.self],
                    pdqVariants: variants, frames: [])))
            if try row["kind", as: String.self] == "video" { videos.append(id) }
        }
        if !videos.isEmpty {
            var frames: [Int64: [VideoFrameHash]] = [:]
            for row in try connection.query(BlocklistQuery.mediaFrames, [PostgresArray(videos)]) {
                frames[try row["media_id", as: Int64.self], default: []]
                    .append(VideoFrameHash(hash: try row["pdq", as: PDQHash.self], quality: try row["quality", as: Int.self]))
            }
            for index in page.indices { page[index].1.frames = frames[page[index].0] ?? [] }
        }
        return (page, try rows.last.map { try $0["id", as: Int64.self] })
    }
}
