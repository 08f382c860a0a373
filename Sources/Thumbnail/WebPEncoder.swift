import CWebP
import Foundation

/// Encodes packed 8-bit RGB/RGBA pixels as lossy WebP with libwebp's simple API.
///
/// Used instead of libvips' webpsave because that writes the source's EXIF/ICC/XMP even with
/// `strip`; libwebp's simple encoder writes a bare VP8/VP8X container with no metadata chunks.
enum WebPEncoder {
    /// Encodes `pixels` (`bands` = 3 or 4 per pixel, row-major, no padding) at `quality` 0…100.
    static func encode(
        pixels: UnsafeRawBufferPointer, width: Int, height: Int, bands: Int, quality: Int, input: String
    ) throws(ThumbnailError) -> Data {
        guard bands == 3 || bands == 4, pixels.count == width * height * bands else {
            throw ThumbnailError(.internal, "WebP encoder needs RGB or RGBA pixels for \(input)")
        }
        var output: UnsafeMutablePointer<UInt8>?
        let stride = Int32(width * bands)
        var size = 0
        if let base = pixels.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            size = bands == 4
                ? WebPEncodeRGBA(base, Int32(width), Int32(height), stride, Float(quality), &output)
                : WebPEncodeRGB(base, Int32(width), Int32(height), stride, Float(quality), &output)
        }
        defer { if let output { WebPFree(output) } }
        guard size > 0, let output else {
            throw ThumbnailError(.internal, "libwebp failed to encode \(width)×\(height) for \(input)")
        }
        return Data(bytes: output, count: size)
    }
}
