import CWebP
import Foundation

/// Encodes packed 8-bit RGB/RGBA pixels as lossy WebP with libwebp's advanced API.
///
/// Used instead of libvips' webpsave because that writes the source's EXIF/ICC/XMP even with
/// `strip`; libwebp writes a bare VP8/VP8X container with no metadata chunks. At effort 4 the
/// output is byte for byte what libwebp's simple `WebPEncodeRGB` gives.
enum WebPEncoder {
    /// Encodes `pixels` (`bands` = 3 or 4 per pixel, row-major, no padding) at `quality` 0…100
    /// with `effort` 0…6 (libwebp's `method`).
    static func encode(
        pixels: UnsafeRawBufferPointer, width: Int, height: Int, bands: Int, quality: Int, effort: Int = 4,
        input: String
    ) throws(ThumbnailError) -> Data {
        guard bands == 3 || bands == 4, pixels.count == width * height * bands,
            let base = pixels.baseAddress?.assumingMemoryBound(to: UInt8.self)
        else {
            throw ThumbnailError(.internal, "WebP encoder needs RGB or RGBA pixels for \(input)")
        }
        var config = WebPConfig()
        var picture = WebPPicture()
        guard WebPConfigInit(&config) != 0, WebPPictureInit(&picture) != 0 else {
            throw ThumbnailError(.internal, "libwebp version mismatch while encoding \(input)")
        }
        config.quality = Float(quality)
        config.method = Int32(min(6, max(0, effort)))
        picture.width = Int32(width)
        picture.height = Int32(height)
        defer { WebPPictureFree(&picture) }
        let stride = Int32(width * bands)
        let imported = bands == 4 ? WebPPictureImportRGBA(&picture, base, stride) : WebPPictureImportRGB(&picture, base, stride)
        guard imported != 0 else {
            throw ThumbnailError(.internal, "libwebp could not take \(width)×\(height) pixels of \(input)")
        }
        var writer = WebPMemoryWriter()
        WebPMemoryWriterInit(&writer)
        defer { WebPMemoryWriterClear(&writer) }
        let encoded = withUnsafeMutablePointer(to: &writer) { writer in
            picture.writer = WebPMemoryWrite
            picture.custom_ptr = UnsafeMutableRawPointer(writer)
            return WebPEncode(&config, &picture)
        }
        guard encoded != 0, writer.size > 0, let bytes = writer.mem else {
            throw ThumbnailError(
                .internal, "libwebp failed to encode \(width)×\(height) for \(input) (error \(picture.error_code.rawValue))")
        }
        return Data(bytes: bytes, count: writer.size)
    }
}
