public import Foundation

/// The writes that finish a media job, run on the job's completion connection so the media
/// row and the job change in one transaction. Blocking (libpq).
public struct MediaCompletion: Sendable {
    /// What processing produced, as the job handler hands it over.
    public struct Outcome: Sendable {
        public var mediaID: Int64
        /// The manifest JSON, with rendition paths relative to `storePrefix`.
        public var manifestJSON: String
        public var inputJSON: String
        public var presetName: String
        public var presetVersion: Int
        public var pdq: String?
        public var pdqQuality: Int?
        /// PDQ of the 8 dihedral variants (rotations/mirrors), for lookup; may be empty.
        public var pdqVariants: [String]
        public var phash: String?
        /// Video frame hashes (t_ms, pdq, quality).
        public var frames: [(tMs: Int, pdq: String, quality: Int)]

        public init(
            mediaID: Int64, manifestJSON: String, inputJSON: String, presetName: String, presetVersion: Int,
            pdq: String?, pdqQuality: Int?, pdqVariants: [String], phash: String?,
            frames: [(tMs: Int, pdq: String, quality: Int)]
        ) {
            self.mediaID = mediaID
            self.manifestJSON = manifestJSON
            self.inputJSON = inputJSON
            self.presetName = presetName
            self.presetVersion = presetVersion
            self.pdq = pdq
            self.pdqQuality = pdqQuality
            self.pdqVariants = pdqVariants
            self.phash = phash
            self.frames = frames
        }
    }

    /// Near-duplicates are hashes within this PDQ distance (of 256); lower quality is ignored.
    public var maxDistance: Int
    public var minimumQuality: Int
    /// This daemon's in-memory index; it catches up with rows written by any daemon.
    public let index: PDQIndex

    public init(index: PDQIndex, maxDistance: Int = 31, minimumQuality: Int = 50) {
        self.index = index
        self.maxDistance = maxDistance
        self.minimumQuality = minimumQuality
    }

    /// Records `outcome` as the media's ready state, with the nearest earlier near-duplicate.
    public func markReady(_ outcome: Outcome, on connection: DatabaseConnection) throws {
        try catchUp(on: connection)
        var duplicate: PDQMatch?
        if let quality = outcome.pdqQuality, quality >= minimumQuality, let pdq = outcome.pdq {
            let variants = outcome.pdqVariants.isEmpty ? [pdq] : outcome.pdqVariants
            duplicate = index.bestMatch(hexVariants: variants, within: maxDistance, excluding: outcome.mediaID)
        }
        try connection.query(
            try MediaQuery.markMediaReady.sql(),
            [
                outcome.mediaID, PostgresJSON(text: outcome.manifestJSON), PostgresJSON(text: outcome.inputJSON),
                outcome.presetName, outcome.presetVersion, outcome.pdq, outcome.pdqQuality, outcome.phash,
                duplicate?.id, duplicate?.distance,
            ])
        // Posts waiting on this media reach their followers' feeds now, in the same transaction.
        let posts = try connection.query(try MediaQuery.postsOnMedia.sql(), [outcome.mediaID])
        let fanOuts = try posts.map { row in
            let postID = try row["id", as: Int64.self]
            return try NewJob(
                kind: Self.fanOutJobKind, encoding: ["post_id": postID], lane: "default",
                idempotencyKey: "feed.fanout:\(postID)")
        }
        try JobQueue.enqueue(fanOuts, on: connection)
        if !outcome.frames.isEmpty {
            try connection.query(
                try MediaQuery.replaceFrameHashes.sql(),
                [
                    outcome.mediaID, PostgresArray(outcome.frames.map(\.tMs)),
                    PostgresArray(outcome.frames.map(\.pdq)), PostgresArray(outcome.frames.map(\.quality)),
                ])
        }
    }

    /// The job kind that copies a ready post into its author's followers' timelines.
    public static let fanOutJobKind = "feed.fanout"

    /// Records a permanent failure (bad or over-limit input) on the media row.
    public static func markFailed(mediaID: Int64, code: String, message: String, on connection: DatabaseConnection) throws {
        try connection.query(try MediaQuery.markMediaFailed.sql(), [mediaID, code, message])
    }

    /// Loads hashes written since the index's watermark, by this daemon or another.
    public func catchUp(on connection: DatabaseConnection, batchSize: Int = 10_000) throws {
        let sql = try MediaQuery.hashesAfter.sql()
        while true {
            let rows = try connection.query(sql, [index.watermark ?? 0, batchSize])
            let entries: [PDQIndex.Entry] = try rows.compactMap { row in
                guard let hash = PDQHash(hex: try row["pdq", as: String.self]) else { return nil }
                return (id: try row["id", as: Int64.self], hash: hash)
            }
            index.append(contentsOf: entries, skippingSeen: true)
            if rows.count < batchSize { return }
        }
    }
}

extension PDQIndex {
    /// The closest match among `hexVariants` other than `excluding` (a media re-processed is
    /// already in the index and must not match itself).
    func bestMatch(hexVariants: [String], within maxDistance: Int, excluding id: Int64) -> PDQMatch? {
        var best: PDQMatch?
        for hex in hexVariants {
            guard let hash = PDQHash(hex: hex) else { continue }
            for match in matches(for: hash, within: maxDistance) where match.id != id {
                if let current = best, (current.distance, current.id) <= (match.distance, match.id) { continue }
                best = match
            }
        }
        return best
    }
}
