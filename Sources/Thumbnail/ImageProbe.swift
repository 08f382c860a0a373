public import Foundation

/// What an input's header says, read before any pixel is decoded.
public struct ImageProbe: Sendable, Equatable {
    /// The format sniffed from magic bytes.
    public var format: ImageFormat
    /// Stored width (before EXIF rotation), in pixels.
    public var width: Int
    /// Stored height of one frame (before EXIF rotation), in pixels.
    public var height: Int
    /// Frames (pages) the file declares; 1 for still images.
    public var frames: Int
    /// EXIF orientation 1…8 (1 when absent).
    public var orientation: Int
    /// Input size in bytes.
    public var bytes: Int
    /// Whether the pixels are CMYK (converted to sRGB through a profile).
    public var isCMYK: Bool
    /// Whether the file embeds an ICC profile.
    public var hasICCProfile: Bool
    /// Whether that profile is sRGB itself (matrix/TRC with sRGB's primaries and curve), so
    /// converting to sRGB would change nothing.
    public var hasSRGBProfile: Bool = false

    /// True for animated inputs (more than one frame); only the first is used.
    public var isAnimated: Bool { frames > 1 }

    /// Sniffs, reads the header with the loader for the sniffed format only, and refuses
    /// over-limit inputs. Throws `unsupported_format`, `too_large`, `too_many_pixels`,
    /// `too_many_frames` or `corrupt`.
    public static func probe(_ data: Data, limits: ImageLimits = .default, name: String = "input") throws(ThumbnailError) -> ImageProbe {
        try limits.check(bytes: data.count)
        let (probe, _) = try open(data, limits: limits, name: name)
        return probe
    }

    /// Probe plus the pinned input bytes, for the pipeline to decode from.
    static func open(_ data: Data, limits: ImageLimits, name: String) throws(ThumbnailError) -> (ImageProbe, SourceBytes) {
        try limits.check(bytes: data.count)
        let source = SourceBytes(data)
        return (try open(source, limits: limits, name: name), source)
    }

    /// Sniffs and reads the header of bytes already pinned (e.g. a mapped file).
    static func open(_ source: SourceBytes, limits: ImageLimits, name: String) throws(ThumbnailError) -> ImageProbe {
        try limits.check(bytes: source.count)
        let head = UnsafeRawBufferPointer(start: source.base, count: min(source.count, 64 * 1024))
        guard let format = ImageFormat.sniff(head) else {
            throw ThumbnailError(.unsupportedFormat, "\(name) is not JPEG, PNG, WebP, GIF, HEIC or AVIF")
        }
        if format == .heic || format == .avif, let declared = HEIFHeader.declaredSize([UInt8](head)) {
            try limits.check(width: declared.width, height: declared.height, frames: 1)
        }
        let header = try VipsImage.load(source, format: format, input: name)
        let probe = ImageProbe(
            format: format, width: header.width, height: header.height, frames: header.pageCount,
            orientation: header.orientation, bytes: source.count, isCMYK: header.isCMYK,
            hasICCProfile: header.hasICCProfile, hasSRGBProfile: header.iccProfile.map(ICCProfile.isSRGB) ?? false)
        try limits.check(width: probe.width, height: probe.height, frames: probe.frames)
        return probe
    }
}
