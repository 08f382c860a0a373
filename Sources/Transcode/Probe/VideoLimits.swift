/// What the pipeline refuses before decoding, each with its own error code.
public struct VideoLimits: Sendable, Equatable, Codable {
    /// Largest accepted file, in bytes (`too_large`).
    public var maxBytes: Int
    /// Longest accepted duration, in milliseconds (`too_long`).
    public var maxDurationMs: Int
    /// Longest accepted side of the stored (coded) picture, in pixels (`too_many_pixels`).
    public var maxLongSide: Int
    /// Longest accepted short side of the stored (coded) picture, in pixels (`too_many_pixels`).
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
    ///
    /// An unknown duration (none in the headers: a Matroska file written to a pipe) passes only
    /// when `decoderCountsDuration`, that is when the frames will be decoded by a reader that
    /// stops at ``maxDurationMs`` of decoded time (``check(decodedMs:path:)``); a probe alone
    /// refuses it as `too_long`. Sizes are the coded ones: what the decoder allocates.
    public func check(_ probe: VideoProbe, path: String, decoderCountsDuration: Bool = false) throws(TranscodeError) {
        try check(bytes: probe.bytes, path: path)
        guard probe.isDurationKnown || decoderCountsDuration else {
            throw TranscodeError(.tooLong, "\(path) declares no duration; it cannot be checked against \(maxDurationMs) ms")
        }
        try check(decodedMs: Int64(probe.durationMs), path: path)
        try check(width: probe.video.width, height: probe.video.height, path: path)
        try check(stretch: probe.video, path: path)
    }

    /// The most a sample aspect ratio may widen or narrow the stored picture (4:1 either way;
    /// anamorphic video uses at most about 2:1). The renditions are made at the displayed
    /// shape, so a file declaring 100:1 would have the encoders write pictures a hundred times
    /// wider than anything decoded: such a ratio is a lie, refused as `unsupported_format`.
    public static let maxSampleAspectStretch = 4

    /// Throws `unsupported_format` when the displayed width (before rotation) is more than
    /// ``maxSampleAspectStretch`` times the stored width, or less than its inverse.
    func check(stretch video: VideoStreamInfo, path: String) throws(TranscodeError) {
        let swaps = video.rotation == 90 || video.rotation == 270
        let shown = swaps ? video.displayHeight : video.displayWidth
        let limit = Self.maxSampleAspectStretch
        // Stored sides are Int32 values, so `width * limit` fits; `shown` (up to 2^62 for a
        // lying ratio) is multiplied only once it is known to be at most that.
        guard shown <= video.width * limit, shown * limit >= video.width else {
            throw TranscodeError(
                .unsupportedFormat,
                "\(path) declares a sample aspect ratio of \(video.sampleAspectRatio), which shows its \(video.width)x\(video.height) "
                    + "picture \(shown) wide; at most \(limit):1 either way is supported")
        }
    }

    /// Throws `too_long` when `decodedMs` (declared, or counted while decoding) is past the limit.
    public func check(decodedMs: Int64, path: String) throws(TranscodeError) {
        guard decodedMs <= Int64(maxDurationMs) else {
            throw TranscodeError(.tooLong, "\(path) lasts \(decodedMs) ms or more; the limit is \(maxDurationMs) ms")
        }
    }

    /// Throws `too_many_pixels` when a stored picture of `width`×`height` (either orientation)
    /// is over the limit: checked on the headers, then on every decoded frame (the size can
    /// change mid-stream).
    public func check(width: Int, height: Int, path: String) throws(TranscodeError) {
        guard max(width, height) <= maxLongSide, min(width, height) <= maxShortSide else {
            throw TranscodeError(
                .tooManyPixels, "\(path) has a \(width)x\(height) picture; the limit is \(maxLongSide)x\(maxShortSide)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case maxBytes = "max_bytes"
        case maxDurationMs = "max_duration_ms"
        case maxLongSide = "max_long_side"
        case maxShortSide = "max_short_side"
    }
}
