/// Perceptual (and, from ``VideoPipeline/hash(input:)``, exact) hashes of a video.
///
/// `pdq`/`phash` describe the poster frame, so a video can be matched against photos;
/// `frames` holds one PDQ per sampled second for vPDQ-style video matching.
public struct VideoHashes: Sendable, Equatable, Codable {
    /// One sampled frame's PDQ.
    public struct FrameHash: Sendable, Equatable, Codable {
        /// Presentation time from the first frame, in milliseconds.
        public var timeMs: Int
        /// PDQ, 64 lowercase hex digits in the reference order.
        public var pdq: String
        /// PDQ quality 0…100 (below 50: unreliable, skip for matching).
        public var quality: Int

        /// Makes a frame hash.
        public init(timeMs: Int, pdq: String, quality: Int) {
            self.timeMs = timeMs
            self.pdq = pdq
            self.quality = quality
        }

        enum CodingKeys: String, CodingKey {
            case pdq, quality
            case timeMs = "t_ms"
        }
    }

    /// Lowercase hex SHA-256 of the input (only in `hash` output; manifests keep it in `input`).
    public var sha256: String?
    /// PDQ of the poster frame.
    public var pdq: String
    /// PDQ quality of the poster frame.
    public var pdqQuality: Int
    /// imagehash-compatible pHash of the poster frame, 16 hex digits.
    public var phash: String
    /// One PDQ per sampled interval, in time order.
    public var frames: [FrameHash]

    /// Makes hashes.
    public init(sha256: String? = nil, pdq: String, pdqQuality: Int, phash: String, frames: [FrameHash]) {
        self.sha256 = sha256
        self.pdq = pdq
        self.pdqQuality = pdqQuality
        self.phash = phash
        self.frames = frames
    }

    enum CodingKeys: String, CodingKey {
        case sha256, pdq, phash, frames
        case pdqQuality = "pdq_quality"
    }
}
