import CVips
import CVipsShim
import Foundation

/// Owns one reference to a libvips image; `deinit` releases it.
///
/// Internal only, so no C type reaches the public API. Not Sendable: create, use and release
/// an image on one thread (one job).
final class VipsImage {
    /// The +1 reference this object owns.
    let pointer: UnsafeMutablePointer<CVips.VipsImage>
    /// Bytes the image may still read lazily (loaders don't copy their input); kept alive
    /// as long as the image.
    private let source: SourceBytes?

    /// Takes ownership of a +1 reference.
    init(owning pointer: UnsafeMutablePointer<CVips.VipsImage>, source: SourceBytes? = nil) {
        self.pointer = pointer
        self.source = source
    }

    deinit {
        CVips_unref(pointer)
    }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }
    var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }

    /// Pages (frames) the file declares; 1 for still images.
    var pageCount: Int { max(1, Int(vips_image_get_n_pages(pointer))) }

    /// EXIF orientation 1…8 (1 when absent).
    var orientation: Int {
        let value = Int(vips_image_get_orientation(pointer))
        return (1...8).contains(value) ? value : 1
    }

    /// True for CMYK images (which need a profile imported before sRGB export).
    var isCMYK: Bool { vips_image_get_interpretation(pointer) == VIPS_INTERPRETATION_CMYK }

    /// True when the image carries an embedded ICC profile.
    var hasICCProfile: Bool { vips_image_get_typeof(pointer, VIPS_META_ICC_NAME) != 0 }

    /// The loader libvips used (e.g. "jpegload_buffer"), if recorded.
    var loader: String? {
        var value: UnsafePointer<CChar>?
        guard vips_image_get_string(pointer, VIPS_META_LOADER, &value) == 0, let value else {
            return nil
        }
        return String(cString: value)
    }
}

/// Input bytes pinned in memory for as long as an image that reads them lazily is alive.
final class SourceBytes {
    let base: UnsafeMutableRawPointer
    let count: Int

    /// Copies `data` into a stable allocation.
    init(_ data: Data) {
        count = data.count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        data.copyBytes(to: base.assumingMemoryBound(to: UInt8.self), count: count)
    }

    deinit {
        base.deallocate()
    }
}
