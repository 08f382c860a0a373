/// Limits an input must satisfy before any pixel is decoded.
///
/// Checked in order: bytes, frames, total pixels, then each side, so a decompression bomb
/// (a tiny file declaring a huge canvas) is refused as `too_many_pixels` from its header.
public struct ImageLimits: Codable, Sendable, Equatable {
    /// Largest accepted input, in bytes.
    public var maxBytes: Int
    /// Largest accepted width, in pixels.
    public var maxWidth: Int
    /// Largest accepted height (of one frame), in pixels.
    public var maxHeight: Int
    /// Largest accepted width × height of one frame.
    public var maxPixels: Int
    /// Largest accepted number of frames (pages) an animated input may declare.
    public var maxFrames: Int

    /// The defaults: 20 MB, 30 000 px a side, 50 MP, 1000 frames.
    public static let `default` = ImageLimits(
        maxBytes: 20_000_000, maxWidth: 30_000, maxHeight: 30_000, maxPixels: 50_000_000, maxFrames: 1000)

    /// Creates limits; every value must be positive.
    public init(maxBytes: Int, maxWidth: Int, maxHeight: Int, maxPixels: Int, maxFrames: Int) {
        self.maxBytes = maxBytes
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxFrames = maxFrames
    }

    enum CodingKeys: String, CodingKey {
        case maxBytes = "max_bytes"
        case maxWidth = "max_width"
        case maxHeight = "max_height"
        case maxPixels = "max_pixels"
        case maxFrames = "max_frames"
    }

    /// Refuses an input of `bytes` bytes.
    func check(bytes: Int) throws(ThumbnailError) {
        if bytes > maxBytes {
            throw ThumbnailError(.tooLarge, "input has \(bytes) bytes, the limit is \(maxBytes)")
        }
    }

    /// Refuses a header declaring `width`×`height` per frame and `frames` frames.
    func check(width: Int, height: Int, frames: Int) throws(ThumbnailError) {
        if frames > maxFrames {
            throw ThumbnailError(.tooManyFrames, "input declares \(frames) frames, the limit is \(maxFrames)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels {
            throw ThumbnailError(
                .tooManyPixels, "input declares \(width)×\(height) pixels, the limit is \(maxPixels)")
        }
        if width > maxWidth || height > maxHeight {
            throw ThumbnailError(
                .tooLarge, "input declares \(width)×\(height), the limit is \(maxWidth)×\(maxHeight)")
        }
        if width < 1 || height < 1 {
            throw ThumbnailError(.corrupt, "input declares an empty \(width)×\(height) image")
        }
    }
}
