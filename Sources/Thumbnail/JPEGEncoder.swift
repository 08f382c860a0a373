import CJPEGShim
import Foundation

/// Encodes packed 8-bit grey or RGB pixels as JPEG with libjpeg(-turbo), straight from a
/// rendition's memory: no libvips pipeline (and no thread hand-offs) per saved file.
///
/// Writes what libvips' `jpegsave` with `strip` wrote: the image and nothing else (no JFIF,
/// EXIF, ICC or XMP marker), 4:2:0 chroma below quality 90 and 4:4:4 from 90 up, standard
/// Huffman tables for baseline and optimised ones for progressive scans.
enum JPEGEncoder {
    /// Encodes `pixels` (`bands` = 1 or 3 per pixel, row-major, no padding) at `quality` 1…100.
    static func encode(
        pixels: UnsafeRawBufferPointer, width: Int, height: Int, bands: Int, quality: Int, progressive: Bool,
        input: String
    ) throws(ThumbnailError) -> Data {
        guard bands == 1 || bands == 3, width > 0, height > 0, pixels.count == width * height * bands,
            let base = pixels.baseAddress
        else {
            throw ThumbnailError(.internal, "JPEG encoder needs grey or RGB pixels for \(input)")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 200)
        let status = message.withUnsafeMutableBufferPointer { text in
            CJPEGShim_encode(
                base.assumingMemoryBound(to: UInt8.self), Int32(width), Int32(height), Int32(bands), width * bands,
                Int32(quality), progressive ? 1 : 0, quality < 90 ? 1 : 0, &output, &length, text.baseAddress, text.count)
        }
        guard status == 0, let output else {
            let cause = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ThumbnailError(.internal, "libjpeg failed to encode \(width)×\(height) for \(input)", cause: cause)
        }
        // The bytes are handed over, not copied; libjpeg allocated them with malloc.
        return Data(bytesNoCopy: output, count: length, deallocator: .custom { bytes, _ in CJPEGShim_free(bytes) })
    }
}
