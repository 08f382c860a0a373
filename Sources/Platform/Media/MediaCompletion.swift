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
    /// How much of two videos' frames must match (both ways by default) to record a duplicate.
    public var videoRule: VideoHashMatcher.Rule
    /// This daemon's in-memory indexes; they catch up with changes written by any daemon.
    public let indexes: DedupIndexes
    /// Videos sharing frames with the query whose frames are compared in full, at most.
    static let maximumVideoCandidates = 16

    public init(
        indexes: DedupIndexes = DedupIndexes(), maxDistance: Int = 31, minimumQuality: Int = 50,
        videoRule: VideoHashMatcher.Rule = .bothWays
    ) {
        self.indexes = indexes
        self.maxDistance = maxDistance
        self.minimumQuality = minimumQuality
        self.videoRule = videoRule
    }

    /// Records `outcome` as the media's ready state, with the nearest earlier near-duplicate
    /// that is not deleted. Returns false, recording nothing, when the media itself was deleted
    /// meanwhile (its last post went while it was processing): the caller removes its outputs.
    @discardableResult
    public func markReady(_ outcome: Outcome, on connection: DatabaseConnection) throws -> Bool {
        try indexes.catchUp(on: connection)
        var duplicate = try nearDuplicate(of: outcome, on: connection)
        // The match is locked against deletion until commit. One deleted since the catch-up
        // is dropped by the next catch-up (its hash change committed with the deletion).
        let lockLive = try MediaQuery.lockLiveMedia.sql()
        var attempts = 0
        while let match = duplicate, try connection.query(lockLive, [match.id]).isEmpty {
            attempts += 1
            guard attempts < Self.maximumMatchAttempts else {
                duplicate = nil
                break
            }
            try indexes.catchUp(on: connection)
            duplicate = try nearDuplicate(of: outcome, on: connection)
        }
        let updated = try connection.query(
            try MediaQuery.markMediaReady.sql(),
            [
                outcome.mediaID, PostgresJSON(text: outcome.manifestJSON), PostgresJSON(text: outcome.inputJSON),
                outcome.presetName, outcome.presetVersion, outcome.pdq, outcome.pdqQuality, outcome.phash,
                duplicate?.id, duplicate?.distance,
            ])
        guard updated.affectedRows == 1 else { return false }
        // Posts waiting on this media reach their followers' feeds now, in the same transaction.
        let posts = try connection.query(try MediaQuery.postsOnMedia.sql(), [outcome.mediaID])
        let fanOuts = try posts.map { row in try MediaJobs.fanOut(postID: try row["id", as: Int64.self]) }
        try JobQueue.enqueue(fanOuts, on: connection)
        if outcome.frames.isEmpty {
            try connection.query(try MediaQuery.deleteFrameHashes.sql(), [outcome.mediaID])
        } else {
            try connection.query(
                try MediaQuery.replaceFrameHashes.sql(),
                [
                    outcome.mediaID, PostgresArray(outcome.frames.map(\.tMs)),
                    PostgresArray(outcome.frames.map(\.pdq)), PostgresArray(outcome.frames.map(\.quality)),
                ])
        }
        try DedupIndexes.recordChange(mediaID: outcome.mediaID, on: connection)
        return true
    }

    /// Near-duplicate candidates found deleted, at most, before a media is recorded without one.
    static let maximumMatchAttempts = 8

    /// The earlier media `outcome` nearly duplicates. A video with usable frame hashes is
    /// matched by its frames (vPDQ); a photo, or a video without usable frames, by its PDQ and
    /// the PDQ of its rotations and mirrors.
    func nearDuplicate(of outcome: Outcome, on connection: DatabaseConnection) throws -> PDQMatch? {
        let frames = outcome.frames.compactMap { frame in
            PDQHash(hex: frame.pdq).map { VideoFrameHash(hash: $0, quality: frame.quality) }
        }
        let matcher = VideoHashMatcher(maxDistance: maxDistance, minimumQuality: minimumQuality, rule: videoRule)
        if !matcher.usable(frames).isEmpty {
            return try videoDuplicate(of: outcome.mediaID, frames: frames, matcher: matcher, on: connection)
        }
        guard let quality = outcome.pdqQuality, quality >= minimumQuality, let pdq = outcome.pdq else { return nil }
        let variants = outcome.pdqVariants.isEmpty ? [pdq] : outcome.pdqVariants
        return indexes.photos.bestMatch(hexVariants: variants, within: maxDistance, excluding: outcome.mediaID)
    }

    /// Candidates are the videos with frames near the query's in the frame index; those that
    /// could reach the rule's query share are compared in full (frames from PostgreSQL by
    /// primary key). The best is the one with the highest smaller share, then the lowest mean
    /// matched-frame distance (recorded as the distance), then the lowest id.
    private func videoDuplicate(
        of mediaID: Int64, frames: [VideoFrameHash], matcher: VideoHashMatcher, on connection: DatabaseConnection
    ) throws -> PDQMatch? {
        let queryHashes = matcher.usable(frames)
        var sharedFrames: [Int64: Int] = [:]
        for hash in queryHashes {
            let ids = Set(indexes.frames.matches(for: hash, within: maxDistance).map(\.id))
            for id in ids where id != mediaID { sharedFrames[id, default: 0] += 1 }
        }
        let needed = Int((videoRule.minimumQueryShare * Double(queryHashes.count)).rounded(.up))
        let candidates = sharedFrames.filter { $0.value >= max(1, needed) }
            .sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .prefix(Self.maximumVideoCandidates).map(\.key)
        guard !candidates.isEmpty else { return nil }
        var candidateFrames: [Int64: [VideoFrameHash]] = [:]
        for row in try connection.query(try MediaQuery.usableFrameHashes.sql(), [PostgresArray(candidates)]) {
            guard let hash = PDQHash(hex: try row["pdq", as: String.self]) else { continue }
            candidateFrames[try row["media_id", as: Int64.self], default: []]
                .append(VideoFrameHash(hash: hash, quality: try row["quality", as: Int.self]))
        }
        var best: (share: Double, distance: Int, id: Int64)?
        for id in candidates {
            let comparison = matcher.compare(query: frames, candidate: candidateFrames[id] ?? [])
            guard comparison.isDuplicate, let mean = comparison.meanMatchedDistance else { continue }
            let entry = (share: min(comparison.queryShare, comparison.candidateShare), distance: Int(mean.rounded()), id: id)
            if let current = best, (-current.share, current.distance, current.id) <= (-entry.share, entry.distance, entry.id) {
                continue
            }
            best = entry
        }
        return best.map { PDQMatch(id: $0.id, distance: $0.distance) }
    }

    /// The job kind that copies a ready post into its author's followers' timelines.
    public static let fanOutJobKind = "feed.fanout"

    /// Records a permanent failure (bad or over-limit input) on the media row.
    public static func markFailed(mediaID: Int64, code: String, message: String, on connection: DatabaseConnection) throws {
        try connection.query(try MediaQuery.markMediaFailed.sql(), [mediaID, code, message])
    }

    /// Deleted media: clears its hashes and frame hashes and records the change, so no daemon's
    /// index offers it as a near-duplicate of a later upload.
    public static func clearHashes(mediaID: Int64, on connection: DatabaseConnection) throws {
        try connection.query(try MediaQuery.clearMediaHashes.sql(), [mediaID])
        try connection.query(try MediaQuery.deleteFrameHashes.sql(), [mediaID])
        try DedupIndexes.recordChange(mediaID: mediaID, on: connection)
    }

    /// Marks a media deleted (its last live post is gone), in the caller's transaction: the
    /// row stays, its SHA-256 no longer counts for exact duplicates and its hashes leave every
    /// index. The caller has locked the media row and checked that no live post shows it.
    /// Returns false when it was deleted already.
    public static func markDeleted(mediaID: Int64, on connection: DatabaseConnection) throws -> Bool {
        guard try connection.query(try MediaQuery.markMediaDeleted.sql(), [mediaID]).first != nil else { return false }
        try connection.query(try MediaQuery.deleteFrameHashes.sql(), [mediaID])
        try DedupIndexes.recordChange(mediaID: mediaID, on: connection)
        return true
    }

    /// Whether the media is deleted (or unknown); a file removal job checks before removing.
    public static func isDeleted(mediaID: Int64, on connection: DatabaseConnection) throws -> Bool {
        try connection.query(try MediaQuery.lockLiveMedia.sql(), [mediaID]).isEmpty
    }

    /// Applies hash changes written since the indexes' watermark, by this daemon or another.
    public func catchUp(on connection: DatabaseConnection, batchSize: Int = 10_000) throws {
        try indexes.catchUp(on: connection, batchSize: batchSize)
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
