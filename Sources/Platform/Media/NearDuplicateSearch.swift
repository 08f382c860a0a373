/// Which earlier media a newly processed one nearly duplicates, from this daemon's in-memory
/// indexes (and, for videos, the candidates' frames in PostgreSQL). `MediaCompletion` records
/// the answer; this type only ranks.
struct NearDuplicateSearch: Sendable {
    let indexes: DedupIndexes
    /// Near-duplicates are hashes within this PDQ distance (of 256), inclusive.
    let maxDistance: Int
    /// Hashes of lower PDQ quality are not matched.
    let minimumQuality: Int
    /// How much of two videos' frames must match to call them duplicates.
    let videoRule: VideoHashMatcher.Rule
    /// Videos sharing frames with the query whose frames are compared in full, at most.
    static let maximumVideoCandidates = 16

    /// The earlier media `outcome` nearly duplicates. A video with usable frame hashes is
    /// matched by its frames (vPDQ); a photo, or a video without usable frames, by its PDQ and
    /// the PDQ of its rotations and mirrors (`PDQIndex.bestMatch`: closest, then lowest id).
    func nearest(to outcome: MediaCompletion.Outcome, on connection: DatabaseConnection) throws -> PDQMatch? {
        let frames = outcome.frames.map { VideoFrameHash(hash: $0.hash, quality: $0.quality) }
        let matcher = VideoHashMatcher(maxDistance: maxDistance, minimumQuality: minimumQuality, rule: videoRule)
        if !matcher.usable(frames).isEmpty {
            return try videoDuplicate(of: outcome.mediaID, frames: frames, matcher: matcher, on: connection)
        }
        guard let quality = outcome.pdqQuality, quality >= minimumQuality, let pdq = outcome.pdq else { return nil }
        let variants = outcome.pdqVariants.isEmpty ? [pdq] : outcome.pdqVariants
        return indexes.photos.bestMatch(variants: variants, within: maxDistance, excluding: outcome.mediaID)
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
            candidateFrames[try row["media_id", as: Int64.self], default: []]
                .append(VideoFrameHash(hash: try row["pdq", as: PDQHash.self], quality: try row["quality", as: Int.self]))
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
}
