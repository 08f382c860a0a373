/// Perceptual (and, from `PhotoPipeline.hash`, exact) hashes of a photo.
///
/// Computed from the decoded, auto-rotated, sRGB image at the largest rendition size (the same
/// pixels for `process` and `hash`); search with the dihedral variants to ignore orientation.
public struct PhotoHashes: Codable, Sendable, Equatable {
    /// Lowercase hex SHA-256 of the input bytes (only in `hash` output; the manifest keeps it
    /// under `input.sha256`).
    public var sha256: String?
    /// PDQ, 64 lowercase hex digits in the reference order.
    public var pdq: String
    /// PDQ quality 0…100 (below 50: unreliable, skip for matching).
    public var pdqQuality: Int
    /// imagehash-compatible pHash, 16 lowercase hex digits.
    public var phash: String
    /// The eight dihedral PDQ variants (original, rot90, rot180, rot270, flipX, flipY, flip+1,
    /// flip−1) for near-duplicate lookup regardless of orientation: search each against stored
    /// `pdq` values. In-process only: not part of the manifest JSON (nil after decoding).
    public var pdqDihedral: [String]?

    /// Creates hashes.
    public init(sha256: String? = nil, pdq: String, pdqQuality: Int, phash: String, pdqDihedral: [String]? = nil) {
        self.sha256 = sha256
        self.pdq = pdq
        self.pdqQuality = pdqQuality
        self.phash = phash
        self.pdqDihedral = pdqDihedral
    }

    enum CodingKeys: String, CodingKey {
        case sha256
        case pdq
        case pdqQuality = "pdq_quality"
        case phash
    }
}
