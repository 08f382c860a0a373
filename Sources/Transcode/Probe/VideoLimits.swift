/// What the pipeline refuses before decoding, each with its own error code.
public struct VideoLimits: Sendable, Equatable, Codable {
    /// Largest accepted file, in bytes (`too_large`).
    public var maxBytes: Int
    /// Longest accepted duration, in milliseconds (`too_long`).
    public var maxDurationMs: Int
    /// Longest accepted side of the displayed picture, in pixels (`too_many_pixels`).
    public var maxLongSide: Int
    /// Longest accepted short side of the displayed picture, in pixels (`too_many_pixels`).
    public var maxShortSide: Int

    /// 100 MB, 60 s, 3840×2160 (either orientation).
    public static let `default` = VideoLimits(
        maxBytes: 100 * 1024 * 1024, maxDurationMs: 60_000, maxLongSide: 3840, maxShortSide: 2160)

    /// Makes limits; see the properties for units.
    public init(maxBytes: Int, maxDurationMs: Int, maxLongSide: Int, maxShortSide: Int) {
        self.maxBytes = maxBytes
        self.maxDurationMs = maxDurationMs
        self.maxLongSide = maxLongSide
        self.maxShortSide = maxShortSide
    }

    /// Throws `too_large` when `bytes` is over the limit (checked before the file is opened).
    public func check(bytes: Int, path: String) throws(TranscodeError) {
        guard bytes <= maxBytes else {
            throw TranscodeError(.tooLarge, "\(path) is \(bytes) bytes; the limit is \(maxBytes)")
        }
    }

    /// Throws `too_large`, `too_long` or `too_many_pixels` for the first limit `probe` exceeds.
    public func check(_ probe: VideoProbe, path: String) throws(TranscodeError) {
        try check(bytes: probe.bytes, path: path)
        guard probe.durationMs <= maxDurationMs else {
            throw TranscodeError(
                .tooLong, "\(path) lasts \(probe.durationMs) ms; the limit is \(maxDurationMs) ms")
        }
        let long = max(probe.video.displayWidth, probe.video.displayHeight)
        let short = min(probe.video.displayWidth, probe.video.displayHeight)
        guard long <= maxLongSide, short <= maxShortSide else {
            throw TranscodeError(
                .tooManyPixels,
                "\(path) is \(probe.video.displayWidth)x\(probe.video.displayHeight); the limit is \(maxLongSide)x\(maxShortSide)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case maxBytes = "max_bytes"
        case maxDurationMs = "max_duration_ms"
        case maxLongSide = "max_long_side"
        case maxShortSide = "max_short_side"
    }
}
