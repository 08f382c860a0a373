/// The manifest of a processed photo: the JSON the daemon stores and `process` prints
/// (DESIGN.md, "Local processing commands and manifests"); keys are snake_case.
public struct PhotoManifest: Codable, Sendable, Equatable {
    /// The preset that produced the outputs.
    public struct Preset: Codable, Sendable, Equatable {
        public var name: String
        public var version: Int
    }

    /// Facts about the input, from its header.
    public struct Input: Codable, Sendable, Equatable {
        /// Sniffed format (`jpeg`, `png`, `webp`, `gif`, `heic`, `avif`).
        public var format: ImageFormat
        /// Stored width (before EXIF rotation).
        public var width: Int
        /// Stored height (before EXIF rotation; one frame).
        public var height: Int
        /// Input size in bytes.
        public var bytes: Int
        /// Lowercase hex SHA-256 of the input bytes.
        public var sha256: String
        /// EXIF orientation 1…8 (already applied to the renditions).
        public var orientation: Int
        /// True for animated inputs (only the first frame is rendered); absent otherwise.
        public var animated: Bool?
    }

    /// One written file.
    public struct Rendition: Codable, Sendable, Equatable {
        /// Rendition name from the preset (e.g. "640").
        public var name: String
        public var format: OutputFormat
        /// Actual width (smaller than asked when the source is smaller: never upscaled).
        public var width: Int
        /// Actual height.
        public var height: Int
        /// File size in bytes.
        public var bytes: Int
        /// Path relative to the output directory, e.g. `640.webp`.
        public var path: String
    }

    /// Always "photo".
    public var kind: String
    public var preset: Preset
    public var input: Input
    public var renditions: [Rendition]
    /// PDQ and pHash; nil (absent from the JSON) when the preset turns hashing off.
    public var hashes: PhotoHashes?
    /// BlurHash (4×4 components) of the rendered image; nil when the preset turns hashing off.
    public var blurhash: String?
}
