/// What a processed video produced: the JSON stored with the upload and printed by `process`.
///
public import Thumbnail

/// Keys are snake_case as in DESIGN.md's video manifest. `hls`, `poster` and `hashes` are
/// absent when the preset turns them off.
public struct VideoManifest: Sendable, Equatable, Codable {
    /// Always `video`.
    public var kind: String
    /// The preset that made the outputs.
    public var preset: PresetReference
    /// Facts about the source.
    public var input: Input
    /// One MP4 per ladder rung, smallest first.
    public var renditions: [Rendition]
    /// The HLS master playlist, relative to the output directory (`hls/master.m3u8`).
    public var hls: String?
    /// The poster frame and its photo renditions.
    public var poster: Poster?
    /// Poster-frame hashes and one PDQ per sampled second.
    public var hashes: VideoHashes?

    /// Makes a manifest.
    public init(
        preset: PresetReference, input: Input, renditions: [Rendition], hls: String? = nil, poster: Poster? = nil,
        hashes: VideoHashes? = nil
    ) {
        kind = "video"
        self.preset = preset
        self.input = input
        self.renditions = renditions
        self.hls = hls
        self.poster = poster
        self.hashes = hashes
    }

    /// The frame chosen as poster (first non-black frame from 1 s) and its photo renditions.
    public struct Poster: Sendable, Equatable, Codable {
        /// When the frame is shown, in milliseconds from the first frame.
        public var timeMs: Int
        /// Upright frame width in pixels.
        public var width: Int
        /// Upright frame height in pixels.
        public var height: Int
        /// Photo renditions (paths relative to the output directory, under `poster/`).
        public var renditions: [PhotoManifest.Rendition]

        /// Makes a poster entry.
        public init(timeMs: Int, width: Int, height: Int, renditions: [PhotoManifest.Rendition]) {
            self.timeMs = timeMs
            self.width = width
            self.height = height
            self.renditions = renditions
        }

        enum CodingKeys: String, CodingKey {
            case width, height, renditions
            case timeMs = "t_ms"
        }
    }

    /// Name and version of a preset.
    public struct PresetReference: Sendable, Equatable, Codable {
        /// Preset name (`video`).
        public var name: String
        /// Preset version.
        public var version: Int

        /// Makes a reference.
        public init(name: String, version: Int) {
            self.name = name
            self.version = version
        }
    }

    /// The source file.
    public struct Input: Sendable, Equatable, Codable {
        /// Container (`mp4`, `mov`, `matroska`…).
        public var format: String
        /// Stored picture width in pixels (before ``rotation``).
        public var width: Int
        /// Stored picture height in pixels (before ``rotation``).
        public var height: Int
        /// File size.
        public var bytes: Int
        /// Lowercase hex SHA-256 of the file.
        public var sha256: String
        /// Duration in milliseconds: the headers' when they declare one, otherwise what was
        /// decoded (first to last frame plus one frame period), never 0 for a decoded video.
        public var durationMs: Int
        /// Clockwise degrees applied for display: 0, 90, 180 or 270.
        public var rotation: Int
        /// Whether the source has audio (and so every rendition does).
        public var hasAudio: Bool

        /// Makes the input facts; see the properties for units.
        public init(
            format: String, width: Int, height: Int, bytes: Int, sha256: String, durationMs: Int, rotation: Int,
            hasAudio: Bool
        ) {
            self.format = format
            self.width = width
            self.height = height
            self.bytes = bytes
            self.sha256 = sha256
            self.durationMs = durationMs
            self.rotation = rotation
            self.hasAudio = hasAudio
        }

        enum CodingKeys: String, CodingKey {
            case format, width, height, bytes, sha256, rotation
            case durationMs = "duration_ms"
            case hasAudio = "has_audio"
        }
    }

    /// One encoded rung.
    public struct Rendition: Sendable, Equatable, Codable {
        /// The rung's name (`360`, `720`, `1080`).
        public var name: String
        /// Always `mp4`.
        public var format: String
        /// Output width in pixels (upright: rotation already applied).
        public var width: Int
        /// Output height in pixels.
        public var height: Int
        /// File size.
        public var bytes: Int
        /// File name relative to the output directory (`720.mp4`).
        public var path: String
        /// Video codec (`h264`).
        public var codec: String
        /// Measured average video bit rate, bit/s.
        public var videoBitrate: Int
        /// Measured average audio bit rate, bit/s (0 without audio).
        public var audioBitrate: Int

        /// Makes a rendition entry; see the properties for units.
        public init(
            name: String, format: String, width: Int, height: Int, bytes: Int, path: String, codec: String,
            videoBitrate: Int, audioBitrate: Int
        ) {
            self.name = name
            self.format = format
            self.width = width
            self.height = height
            self.bytes = bytes
            self.path = path
            self.codec = codec
            self.videoBitrate = videoBitrate
            self.audioBitrate = audioBitrate
        }

        enum CodingKeys: String, CodingKey {
            case name, format, width, height, bytes, path, codec
            case videoBitrate = "video_bitrate"
            case audioBitrate = "audio_bitrate"
        }
    }
}
