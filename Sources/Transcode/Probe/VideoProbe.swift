/// Facts about a video file read from its container headers, before any frame is decoded.
public struct VideoProbe: Sendable, Equatable, Codable {
    /// The container: `mp4`, `mov`, `matroska`, `avi`, `mpegts` or `flv`.
    public var container: String
    /// File size in bytes.
    public var bytes: Int
    /// Duration in milliseconds (the container's, else the video stream's); 0 when the headers
    /// declare none.
    public var durationMs: Int
    /// The stream the ladder is made from.
    public var video: VideoStreamInfo
    /// The audio stream that will be encoded, if any.
    public var audio: AudioStreamInfo?
    /// Every stream in the container, in container order.
    public var streams: [StreamInfo]

    /// Whether the headers declare a duration (``durationMs`` is not 0).
    public var isDurationKnown: Bool { durationMs > 0 }

    /// Whether the file has an audio stream the ladder will carry.
    public var hasAudio: Bool { audio != nil }

    enum CodingKeys: String, CodingKey {
        case container, bytes, video, audio, streams
        case durationMs = "duration_ms"
    }
}

/// The video stream of a ``VideoProbe``.
public struct VideoStreamInfo: Sendable, Equatable, Codable {
    /// Codec short name, e.g. `h264`, `hevc`, `vp9`.
    public var codec: String
    /// Width of the stored (coded) picture, in pixels.
    public var width: Int
    /// Height of the stored picture, in pixels.
    public var height: Int
    /// Width as shown: sample aspect ratio and rotation applied.
    public var displayWidth: Int
    /// Height as shown: sample aspect ratio and rotation applied.
    public var displayHeight: Int
    /// Clockwise degrees to turn the stored picture for display: 0, 90, 180 or 270.
    public var rotation: Int
    /// Pixel aspect ratio as `num:den` (`1:1` for square pixels).
    public var sampleAspectRatio: String
    /// Average frame rate (frames per second), 0 when unknown.
    public var frameRate: Double
    /// The lowest rate that represents every timestamp exactly (`r_frame_rate`).
    public var baseFrameRate: Double
    /// Whether frames are not evenly spaced (average and base rate disagree).
    public var isVariableFrameRate: Bool

    /// The shorter displayed side: what ladder rungs are measured against.
    public var shortSide: Int { min(displayWidth, displayHeight) }

    enum CodingKeys: String, CodingKey {
        case codec, width, height, rotation
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case sampleAspectRatio = "sample_aspect_ratio"
        case frameRate = "frame_rate"
        case baseFrameRate = "base_frame_rate"
        case isVariableFrameRate = "variable_frame_rate"
    }
}

/// The audio stream of a ``VideoProbe``.
public struct AudioStreamInfo: Sendable, Equatable, Codable {
    /// Codec short name, e.g. `aac`, `opus`.
    public var codec: String
    /// Samples per second.
    public var sampleRate: Int
    /// Channel count.
    public var channels: Int

    enum CodingKeys: String, CodingKey {
        case codec, channels
        case sampleRate = "sample_rate"
    }
}

/// One stream of a container, whatever its kind.
public struct StreamInfo: Sendable, Equatable, Codable {
    /// Position in the container.
    public var index: Int
    /// `video`, `audio`, `subtitle`, `data`, `attachment` or `unknown`.
    public var kind: String
    /// Codec short name.
    public var codec: String
}
