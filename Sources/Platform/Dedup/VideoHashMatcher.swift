/// One sampled frame's PDQ hash and quality, as the video pipeline reports them.
public struct VideoFrameHash: Hashable, Sendable {
    public var hash: PDQHash
    /// PDQ quality, 0...100.
    public var quality: Int

    public init(hash: PDQHash, quality: Int) {
        self.hash = hash
        self.quality = quality
    }
}

/// vPDQ-style comparison of two videos as unordered bags of frame hashes.
///
/// Following the vPDQ reference: identical hashes are counted once, frames below
/// `minimumQuality` are dropped, and a frame "matches" when some frame of the other video is
/// within `maxDistance` (inclusive, `≤`, as in the README and the Python matcher; the C++ brute
/// matcher's strict `<` is not used). The shares are computed both ways:
/// `queryShare` = matched unique query frames / unique query frames, and `candidateShare` the
/// same from the other side.
///
/// The product rule (`isDuplicate`) asks for both shares ≥ 0.8 by default: a duplicate must
/// cover most of the other video in both directions, so a short clip cut from a long video
/// is not marked a duplicate of it. `Rule.reference` is the README's looser rule
/// (candidate ≥ 80 %, query ≥ 0 %), which flags containment.
public struct VideoHashMatcher: Sendable {
    /// Thresholds on the two shares, 0...1.
    public struct Rule: Sendable, Hashable {
        public var minimumQueryShare: Double
        public var minimumCandidateShare: Double

        public init(minimumQueryShare: Double, minimumCandidateShare: Double) {
            self.minimumQueryShare = minimumQueryShare
            self.minimumCandidateShare = minimumCandidateShare
        }

        /// Both ways at 80 %: the daemon's default.
        public static let bothWays = Rule(minimumQueryShare: 0.8, minimumCandidateShare: 0.8)
        /// The vPDQ README's rule: 80 % of the compared video, any share of the query.
        public static let reference = Rule(minimumQueryShare: 0, minimumCandidateShare: 0.8)
    }

    /// The outcome of one comparison.
    public struct Comparison: Sendable, Hashable {
        /// Share of the query's unique usable frames that match some candidate frame.
        public var queryShare: Double
        /// Share of the candidate's unique usable frames that match some query frame.
        public var candidateShare: Double
        /// Whether the shares pass the matcher's rule.
        public var isDuplicate: Bool
        /// Mean PDQ distance from each matched unique query frame to its nearest candidate
        /// frame; nil when no frame matched. The daemon records it, rounded, as a video
        /// near-duplicate's distance (the same unit as a photo's).
        public var meanMatchedDistance: Double?
    }

    public var maxDistance: Int
    public var minimumQuality: Int
    public var rule: Rule

    public init(maxDistance: Int = 31, minimumQuality: Int = 50, rule: Rule = .bothWays) {
        self.maxDistance = maxDistance
        self.minimumQuality = minimumQuality
        self.rule = rule
    }

    /// Compares two videos' frame hashes. A side with no usable frame has share 0 and never
    /// matches. Cost is |query| × |candidate| distance computations (about a frame a second,
    /// so thousands at most); find candidates first with a `PDQIndex` over frame hashes.
    public func compare(query: [VideoFrameHash], candidate: [VideoFrameHash]) -> Comparison {
        let queryHashes = usable(query)
        let candidateHashes = usable(candidate)
        guard !queryHashes.isEmpty, !candidateHashes.isEmpty else {
            return Comparison(queryShare: 0, candidateShare: 0, isDuplicate: false, meanMatchedDistance: nil)
        }
        var candidateMatched = [Bool](repeating: false, count: candidateHashes.count)
        var queryMatchedCount = 0
        var matchedDistanceSum = 0
        for queryHash in queryHashes {
            var nearest = Int.max
            for (index, candidateHash) in candidateHashes.enumerated() {
                let distance = queryHash.distance(to: candidateHash)
                guard distance <= maxDistance else { continue }
                nearest = min(nearest, distance)
                candidateMatched[index] = true
            }
            if nearest != .max {
                queryMatchedCount += 1
                matchedDistanceSum += nearest
            }
        }
        let queryShare = Double(queryMatchedCount) / Double(queryHashes.count)
        let candidateShare = Double(candidateMatched.filter { $0 }.count) / Double(candidateHashes.count)
        return Comparison(
            queryShare: queryShare, candidateShare: candidateShare,
            isDuplicate: queryShare >= rule.minimumQueryShare && candidateShare >= rule.minimumCandidateShare,
            meanMatchedDistance: queryMatchedCount == 0 ? nil : Double(matchedDistanceSum) / Double(queryMatchedCount))
    }

    /// Unique hashes of the frames at or above the quality floor, in first-seen order.
    public func usable(_ frames: [VideoFrameHash]) -> [PDQHash] {
        var seen = Set<PDQHash>()
        return frames.compactMap { frame in
            frame.quality >= minimumQuality && seen.insert(frame.hash).inserted ? frame.hash : nil
        }
    }
}
