public import Foundation

/// The hash list's writes and reads, each in the caller's transaction (blocking, libpq):
/// imports and removals (which every daemon's `BlocklistIndex` catches up with), blocking a
/// media or an avatar that matched (`Blocklist+Avatars.swift`), and the operator's listings.
/// Tables and states: migrations 0025 and 0031.
public enum Blocklist {
    /// The job kind that removes a blocked media's renditions from the store.
    public static let takedownJobKind = "media.takedown"
    /// The job kind that checks the media published before an import against its entries.
    public static let scanJobKind = "blocklist.scan"
    /// Rows per INSERT of a bulk import.
    static let batchSize = 10_000

    /// What an import stored.
    public struct Import: Sendable, Hashable {
        public var id: Int64
        public var kind: String
        /// Entries added (one for a vPDQ file).
        public var entries: Int
        public var firstEntry: Int64?
        public var lastEntry: Int64?
    }

    /// Stores the entries of one parsed file under `source`, records the change every index
    /// catches up with, and enqueues the scan of the media already published (`scanJobKind`)
    /// to run at `scanAt`, all in the caller's transaction. `name` labels a video entry (its
    /// file). The CLI scans at once and the job is its fallback: due later, it does not race
    /// the CLI's scan (both are idempotent), and it finishes the scan if the CLI stopped.
    public static func importEntries(
        _ file: BlocklistFile, source: String, name: String?, scanAt: Date? = nil, on connection: DatabaseConnection
    ) throws -> Import {
        let kind: String
        let count: Int
        switch file {
        case .photos(let hashes): (kind, count) = ("photo", hashes.count)
        case .video: (kind, count) = ("video", 1)
        }
        let importID = try connection.query(BlocklistQuery.insertImport, [source, kind, count])[0]["id", as: Int64.self]
        var entryID: Int64?
        switch file {
        case .photos(let hashes):
            var start = 0
            while start < hashes.count {
                let batch = hashes[start..<min(start + batchSize, hashes.count)]
                try connection.query(
                    BlocklistQuery.insertPhotoEntries,
                    [importID, PostgresArray(batch.map(\.hash.hex)), PostgresNullableArray(batch.map(\.quality))])
                start += batchSize
            }
        case .video(let frames):
            let id = try connection.query(BlocklistQuery.insertVideoEntry, [importID, name])[0]["id", as: Int64.self]
            entryID = id
            try connection.query(
                BlocklistQuery.insertEntryFrames,
                [id, PostgresArray(frames.map(\.frame)), PostgresArray(frames.map(\.hash.hex)), PostgresArray(frames.map(\.quality))])
        }
        try JobQueue.enqueue(
            NewJob(
                kind: scanJobKind, encoding: ["import_id": importID], runAt: scanAt,
                idempotencyKey: "\(scanJobKind):\(importID)"),
            on: connection)
        try connection.query(BlocklistQuery.lockChanges)
        try connection.query(BlocklistQuery.insertChange, [importID, nil])
        let range = try connection.query(BlocklistQuery.importRange, [importID]).first
        return Import(
            id: importID, kind: kind, entries: count, firstEntry: try range?["first_entry", as: Int64?.self] ?? entryID,
            lastEntry: try range?["last_entry", as: Int64?.self] ?? entryID)
    }

    /// Takes an entry off the list (its row stays for the records); false when unknown or
    /// removed already. Media blocked by it stay blocked.
    public static func remove(entryID: Int64, on connection: DatabaseConnection) throws -> Bool {
        guard try !connection.query(BlocklistQuery.removeEntry, [entryID]).isEmpty else { return false }
        try connection.query(BlocklistQuery.lockChanges)
        try connection.query(BlocklistQuery.insertChange, [nil, entryID])
        return true
    }

    /// How a media came to be blocked.
    public enum FoundBy: String, Sendable {
        /// Matched before anything of it was published.
        case processing
        /// Published, then matched by an import's scan.
        case `import`
    }

    /// Blocks a media that matched `hit`, in the caller's transaction: status `blocked` with no
    /// manifest, its posts hidden (`hidden_by` 'hashlist'), one match record per post (one
    /// without a post when none shows it), its hashes out of the dedup indexes, and a
    /// `media.takedown` job for whatever of it is in the store. Returns false, doing nothing,
    /// when the media is deleted, blocked already or unknown.
    @discardableResult
    public static func block(mediaID: Int64, hit: BlocklistHit, foundBy: FoundBy, on connection: DatabaseConnection) throws -> Bool {
        guard try !connection.query(BlocklistQuery.markMediaBlocked, [mediaID]).isEmpty else { return false }
        let posts = try connection.query(BlocklistQuery.hideMediaPosts, [mediaID])
        let owners: [(post: Int64?, user: Int64?)] =
            try posts.isEmpty
            ? [(nil, nil)] : posts.map { (try $0["id", as: Int64.self], try $0["user_id", as: Int64.self]) }
        for owner in owners {
            try connection.query(
                BlocklistQuery.insertMatch, [mediaID, hit.entryID, hit.distance, owner.post, owner.user, foundBy.rawValue])
        }
        try JobQueue.enqueue(takedown(mediaID: mediaID), on: connection)
        try DedupIndexes.recordChange(mediaID: mediaID, on: connection)
        return true
    }

    /// Removal of a blocked media's renditions, keyed `media.takedown:<id>`.
    public static func takedown(mediaID: Int64) throws -> NewJob {
        try NewJob(kind: takedownJobKind, encoding: ["media_id": mediaID], idempotencyKey: "\(takedownJobKind):\(mediaID)")
    }

    /// Removes a blocked media's renditions (`media/<id>/`; the original is never served and
    /// stays for the record) in the caller's transaction; nil when the media is not blocked.
    /// Idempotent. Throws a transient `JobFailure` while a backup runs (see `StoreRemovals`).
    public static func takeDown(mediaID: Int64, store: ObjectStore, on connection: DatabaseConnection) throws -> Int? {
        guard try StoreRemovals.tryHold(on: connection) else { throw StoreRemovals.backupRunning }
        guard try connection.query(BlocklistQuery.mediaBlocked, [mediaID]).first?["blocked", as: Bool.self] == true else {
            return nil
        }
        return try store.delete(prefix: ObjectKey.mediaPrefix(mediaID: mediaID))
    }

    /// A post just made on a blocked media (the same bytes uploaded again) is hidden at once.
    public static func hideNewPost(postID: Int64, on connection: DatabaseConnection) throws {
        try connection.query(BlocklistQuery.hidePostOnBlockedMedia, [postID])
    }

    /// Keeps a ready photo's rotation and mirror hashes, so that a later import's scan matches
    /// it as processing would have.
    public static func recordVariants(mediaID: Int64, variants: [PDQHash], on connection: DatabaseConnection) throws {
        guard !variants.isEmpty else { return }
        try connection.query(BlocklistQuery.setPhotoVariants, [mediaID, PostgresArray(variants.map(\.hex))])
    }

    /// Matches `subject` against the list as of now, in the caller's transaction: takes the
    /// changes lock shared until commit (an import committing meanwhile is either caught up
    /// with here or waits, and then its scan sees this transaction's writes), catches `index`
    /// up, matches.
    public static func screen(_ subject: BlocklistSubject, index: BlocklistIndex, on connection: DatabaseConnection) throws -> BlocklistHit? {
        try connection.query(BlocklistQuery.lockChangesShared)
        try index.catchUp(on: connection)
        return index.match(subject)
    }
}
