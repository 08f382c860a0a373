import Synchronization

/// One daemon's in-memory copy of the hash list, kept in step with PostgreSQL.
///
/// Photo entries are in a `PDQIndex` (the multi-index near-duplicate search uses) under their
/// entry ids; video entries' frame hashes in another, several under one entry id, with each
/// entry's frames kept for the vPDQ comparison. The index catches up from `blocklist_changes`
/// by sequence watermark, as `DedupIndexes` does: an import loads that import's entries, a
/// removal drops the entry; so imports and removals made by any daemon or by the CLI reach
/// every daemon without a restart.
public final class BlocklistIndex: Sendable {
    let photos: PDQIndex
    let frames: PDQIndex
    private let videos = Mutex<[Int64: [VideoFrameHash]]>([:])
    /// Highest change applied; catch-ups run one at a time under this lock.
    private let watermark = Mutex<Int64>(0)
    /// A photo matches an entry within this PDQ distance (of 256), inclusive.
    public let maxDistance: Int
    /// Hashes of lower PDQ quality (the media's, a video's frames) are not matched: they are
    /// too plain to tell images apart.
    public let minimumQuality: Int
    /// The vPDQ rule with the listed video as the compared one.
    public let videoRule: VideoHashMatcher.Rule

    /// Entries are matched within `maxDistance` (PDQ's confident-match threshold, 31) and videos
    /// by the vPDQ reference rule: at least 80 % of the listed video's unique usable frames are
    /// within the distance of some frame of the upload (the upload may be longer).
    public init(
        maxDistance: Int = 31, minimumQuality: Int = 50, videoRule: VideoHashMatcher.Rule = .reference,
        firstSealAt: Int = 32_768
    ) {
        self.maxDistance = maxDistance
        self.minimumQuality = minimumQuality
        self.videoRule = videoRule
        photos = PDQIndex(firstSealAt: firstSealAt)
        frames = PDQIndex(firstSealAt: firstSealAt)
    }

    /// Listed hashes held (photo entries plus video frames).
    public var count: Int { photos.count + frames.count }

    /// Applies every import and removal recorded since the watermark. Blocking (libpq).
    public func catchUp(on connection: DatabaseConnection, batchSize: Int = 1_000) throws {
        try watermark.withLock { (watermark: inout Int64) throws -> Void in
            while true {
                let rows = try connection.query(BlocklistQuery.changesAfter, [watermark, batchSize])
                for row in rows {
                    if let importID = try row["import_id", as: Int64?.self] {
                        try load(importID: importID, on: connection)
                    } else if let entry = try row["removed_entry", as: Int64?.self] {
                        photos.remove(ids: [entry])
                        frames.remove(ids: [entry])
                        _ = videos.withLock { $0.removeValue(forKey: entry) }
                    }
                    watermark = try row["seq", as: Int64.self]
                }
                if rows.count < batchSize { return }
            }
        }
    }

    /// Adds the entries of one import that are still listed.
    func load(importID: Int64, on connection: DatabaseConnection) throws {
        let photoRows = try connection.query(BlocklistQuery.importPhotoEntries, [importID])
        photos.append(
            contentsOf: try photoRows.map { row throws -> PDQIndex.Entry in
                (id: try row["id", as: Int64.self], hash: try row["pdq", as: PDQHash.self])
            })
        var loaded: [Int64: [VideoFrameHash]] = [:]
        var entries: [PDQIndex.Entry] = []
        for row in try connection.query(BlocklistQuery.importVideoFrames, [importID]) {
            let id = try row["entry_id", as: Int64.self]
            let frame = VideoFrameHash(hash: try row["pdq", as: PDQHash.self], quality: try row["quality", as: Int.self])
            loaded[id, default: []].append(frame)
            if frame.quality >= minimumQuality { entries.append((id: id, hash: frame.hash)) }
        }
        videos.withLock { $0.merge(loaded) { _, new in new } }
        frames.append(contentsOf: entries)
    }

    /// The entry `subject` matches, closest first; nil when none does. A video with usable frame
    /// hashes is matched by the vPDQ rule against video entries; a photo by its PDQ and those of
    /// its rotations and mirrors against photo entries (closest, then the lowest entry id).
    public func match(_ subject: BlocklistSubject) -> BlocklistHit? {
        let matcher = VideoHashMatcher(maxDistance: maxDistance, minimumQuality: minimumQuality, rule: videoRule)
        if !matcher.usable(subject.frames).isEmpty {
            return videoMatch(subject.frames, matcher: matcher)
        }
        guard let pdq = subject.pdq, let quality = subject.pdqQuality, quality >= minimumQuality else { return nil }
        let variants = subject.pdqVariants.isEmpty ? [pdq] : subject.pdqVariants
        return photos.bestMatch(variants: variants, within: maxDistance).map { BlocklistHit(entryID: $0.id, distance: $0.distance) }
    }

    /// Candidates are the entries sharing a frame with the upload; each is compared in full. The
    /// best has the highest share of its frames matched, then the lowest mean distance (recorded
    /// as the distance), then the lowest id.
    private func videoMatch(_ query: [VideoFrameHash], matcher: VideoHashMatcher) -> BlocklistHit? {
        var candidates = Set<Int64>()
        for hash in matcher.usable(query) {
            for found in frames.matches(for: hash, within: maxDistance) { candidates.insert(found.id) }
        }
        guard !candidates.isEmpty else { return nil }
        let listed = videos.withLock { videos in candidates.compactMap { id in videos[id].map { (id, $0) } } }
        var best: (share: Double, distance: Int, id: Int64)?
        for (id, entryFrames) in listed {
            let comparison = matcher.compare(query: query, candidate: entryFrames)
            guard comparison.isDuplicate, let mean = comparison.meanMatchedDistance else { continue }
            let entry = (share: comparison.candidateShare, distance: Int(mean.rounded()), id: id)
            if let current = best, (-current.share, current.distance, current.id) <= (-entry.share, entry.distance, entry.id) {
                continue
            }
            best = entry
        }
        return best.map { BlocklistHit(entryID: $0.id, distance: $0.distance) }
    }
}

/// What a media is matched against the hash list by.
public struct BlocklistSubject: Sendable {
    public var pdq: PDQHash?
    public var pdqQuality: Int?
    /// PDQ of the 8 rotations and mirrors (photos); empty: `pdq` alone.
    public var pdqVariants: [PDQHash]
    /// A video's frame hashes; empty for a photo.
    public var frames: [VideoFrameHash]

    public init(pdq: PDQHash?, pdqQuality: Int?, pdqVariants: [PDQHash], frames: [VideoFrameHash]) {
        self.pdq = pdq
        self.pdqQuality = pdqQuality
        self.pdqVariants = pdqVariants
        self.frames = frames
    }

    /// What processing produced.
    public init(_ outcome: MediaCompletion.Outcome) {
        self.init(
            pdq: outcome.pdq, pdqQuality: outcome.pdqQuality, pdqVariants: outcome.pdqVariants,
            frames: outcome.frames.map { VideoFrameHash(hash: $0.hash, quality: $0.quality) })
    }
}

/// A list entry a media matched, and how closely (PDQ bits of 256; for a video the rounded mean
/// distance of its matched frames).
public struct BlocklistHit: Sendable, Hashable {
    public var entryID: Int64
    public var distance: Int

    public init(entryID: Int64, distance: Int) {
        self.entryID = entryID
        self.distance = distance
    }
}
