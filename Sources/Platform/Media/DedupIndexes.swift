import Synchronization

/// One daemon's in-memory near-duplicate indexes, kept in step with PostgreSQL.
///
/// `photos` holds one PDQ per media (photos, and video posters); `frames` holds every usable
/// frame hash of every ready video, several under one media id. Both catch up from
/// `media_hash_changes` by sequence watermark: a change loads the media's current hashes and,
/// when the media had been indexed before (reprocessed or deleted), first drops the old ones.
/// So hashes written by other daemons, replacements and deletions all reach every daemon.
public final class DedupIndexes: Sendable {
    public let photos: PDQIndex
    public let frames: PDQIndex
    /// Highest change applied; catch-ups run one at a time under this lock.
    private let watermark = Mutex<Int64>(0)

    public init(photos: PDQIndex = PDQIndex(), frames: PDQIndex = PDQIndex()) {
        self.photos = photos
        self.frames = frames
    }

    /// The highest change sequence applied so far (0 before the first catch-up).
    public var appliedChange: Int64 { watermark.withLock { $0 } }

    /// Applies every change recorded since the watermark, in batches. Blocking (libpq).
    public func catchUp(on connection: DatabaseConnection, batchSize: Int = 10_000) throws {
        let changesSQL = try MediaQuery.hashChangesAfter.sql()
        let framesSQL = try MediaQuery.usableFrameHashes.sql()
        try watermark.withLock { (watermark: inout Int64) throws -> Void in
            while true {
                let rows = try connection.query(changesSQL, [watermark, batchSize])
                var replaced = Set<Int64>()
                var order: [Int64] = []
                var current: [Int64: (pdq: PDQHash?, hasFrames: Bool)] = [:]
                for row in rows {
                    let id = try row["media_id", as: Int64.self]
                    if try row["replaces", as: Bool.self] { replaced.insert(id) }
                    if current[id] == nil { order.append(id) }
                    // Every row of a media carries its current state: the last one wins.
                    current[id] = (try row["pdq", as: PDQHash?.self], try row["has_frames", as: Bool.self])
                    watermark = try row["seq", as: Int64.self]
                }
                photos.remove(ids: replaced)
                frames.remove(ids: replaced)
                photos.append(contentsOf: order.compactMap { id in current[id]?.pdq.map { (id: id, hash: $0) } })
                let videos = order.filter { current[$0]?.hasFrames == true }
                if !videos.isEmpty {
                    let frameRows = try connection.query(framesSQL, [PostgresArray(videos)])
                    frames.append(
                        contentsOf: try frameRows.map { row throws -> PDQIndex.Entry in
                            (id: try row["media_id", as: Int64.self], hash: try row["pdq", as: PDQHash.self])
                        })
                }
                if rows.count < batchSize { return }
            }
        }
    }

    /// Records that the hashes of `mediaID` changed (set, replaced or cleared), in the
    /// caller's transaction. Serialised by an advisory lock held until commit, so changes become
    /// visible in sequence order and no catch-up skips one.
    static func recordChange(mediaID: Int64, on connection: DatabaseConnection) throws {
        let hashed = try connection.query(try MediaQuery.mediaHashed.sql(), [mediaID]).first
        let replaces = try hashed?["hashed", as: Bool.self] ?? false
        try connection.query(try MediaQuery.lockHashChanges.sql())
        try connection.query(try MediaQuery.insertHashChange.sql(), [mediaID, replaces])
    }
}
