extension VideoPreset {
    /// One rung of the ladder, measured by the short side of the displayed picture.
    public struct Rung: Sendable, Equatable, Codable {
        /// Rendition name and file stem (`720` → `720.mp4`).
        public var name: String
        /// Target short side in pixels (360 → 640×360 landscape, 360×640 portrait).
        public var shortSide: Int
        /// Peak bit rate the encoder may reach (VBV), in bit/s, for a 16:9 rung at 30 fps; the
        /// ladder scales it by the rung's pixels and the source's frame rate.
        public var maxrate: Int
        /// VBV buffer size, in bits, scaled like `maxrate`.
        public var bufsize: Int

        /// Makes a rung; see the properties for units.
        public init(name: String, shortSide: Int, maxrate: Int, bufsize: Int) {
            self.name = name
            self.shortSide = shortSide
            self.maxrate = maxrate
            self.bufsize = bufsize
        }

        enum CodingKeys: String, CodingKey {
            case name, maxrate, bufsize
            case shortSide = "short_side"
        }
    }

    /// H.264 encoder settings shared by all rungs.
    public struct VideoEncoding: Sendable, Equatable, Codable {
        /// FFmpeg encoder name (`libx264`).
        public var encoder: String
        /// x264 speed preset (`veryfast`).
        public var speedPreset: String
        /// H.264 profile (`high`).
        public var profile: String
        /// Constant rate factor: the quality target, capped by each rung's maxrate.
        public var crf: Int
        /// Keyframe interval in seconds (converted to frames with the source's frame rate).
        public var gopSeconds: Double
        /// Further encoder options by FFmpeg name (`{"tune": "film"}`); an option the encoder
        /// does not know is `invalid_preset` (found at start-up by `VideoPreset.checkEncoders`), never ignored.
        public var options: [String: String]

        /// Makes settings; see the properties.
        public init(
            encoder: String, speedPreset: String, profile: String, crf: Int, gopSeconds: Double,
            options: [String: String] = [:]
        ) {
            self.encoder = encoder
            self.speedPreset = speedPreset
            self.profile = profile
            self.crf = crf
            self.gopSeconds = gopSeconds
            self.options = options
        }

        /// Decodes the JSON form; `options` may be left out.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            encoder = try container.decode(String.self, forKey: .encoder)
            speedPreset = try container.decode(String.self, forKey: .speedPreset)
            profile = try container.decode(String.self, forKey: .profile)
            crf = try container.decode(Int.self, forKey: .crf)
            gopSeconds = try container.decode(Double.self, forKey: .gopSeconds)
            options = try container.decodeIfPresent([String: String].self, forKey: .options) ?? [:]
        }

        enum CodingKeys: String, CodingKey {
            case encoder, profile, crf, options
            case speedPreset = "speed_preset"
            case gopSeconds = "gop_seconds"
        }
    }

    /// Audio encoder settings.
    public struct AudioEncoding: Sendable, Equatable, Codable {
        /// FFmpeg encoder name (`aac`).
        public var encoder: String
        /// Target bit rate, in bit/s.
        public var bitrate: Int
        /// Output channels (2 = stereo; mono sources are upmixed).
        public var channels: Int
        /// Output sample rate, in Hz.
        public var sampleRate: Int

        /// Makes settings; see the properties.
        public init(encoder: String, bitrate: Int, channels: Int, sampleRate: Int) {
            self.encoder = encoder
            self.bitrate = bitrate
            self.channels = channels
            self.sampleRate = sampleRate
        }

        enum CodingKeys: String, CodingKey {
            case encoder, bitrate, channels
            case sampleRate = "sample_rate"
        }
    }
}

extension VideoPreset {
    /// HLS output: fMP4 segments cut at keyframes, one media playlist per rung, one master.
    public struct HLSPackaging: Sendable, Equatable, Codable {
        /// Target segment length in seconds (at least the GOP length).
        public var segmentSeconds: Double

        /// Makes settings; see the property.
        public init(segmentSeconds: Double) {
            self.segmentSeconds = segmentSeconds
        }

        enum CodingKeys: String, CodingKey {
            case segmentSeconds = "segment_seconds"
        }
    }
}

extension VideoPreset {
    /// Frames taken from the decode for the poster and the frame hashes.
    public struct FrameSampling: Sendable, Equatable, Codable {
        /// Where to start looking for a non-black poster frame, in ms (mid-video if shorter).
        public var posterAtMs: Int
        /// One PDQ hash per this many milliseconds of video.
        public var hashIntervalMs: Int
        /// WebP effort (0…6) for the poster's renditions, replacing the photo preset's: the
        /// poster is made while the ladder encodes, on the same cores. Nil: the photo preset's.
        public var posterWebPEffort: Int?

        /// Makes settings; see the properties.
        public init(posterAtMs: Int, hashIntervalMs: Int, posterWebPEffort: Int? = nil) {
            self.posterAtMs = posterAtMs
            self.hashIntervalMs = hashIntervalMs
            self.posterWebPEffort = posterWebPEffort
        }

        enum CodingKeys: String, CodingKey {
            case posterAtMs = "poster_at_ms"
            case hashIntervalMs = "hash_interval_ms"
            case posterWebPEffort = "poster_webp_effort"
        }
    }
}
