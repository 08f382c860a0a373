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

    /// The embedded ICC profile's bytes, if any.
    var iccProfile: [UInt8]? {
        var data: UnsafeRawPointer?
        var length = 0
        guard hasICCProfile, vips_image_get_blob(pointer, VIPS_META_ICC_NAME, &data, &length) == 0, let data else {
            return nil
        }
        return [UInt8](UnsafeRawBufferPointer(start: data, count: length))
    }

    /// The loader libvips used (e.g. "jpegload_buffer"), if recorded.
    var loader: String? {
        var value: UnsafePointer<CChar>?
        guard vips_image_get_string(pointer, VIPS_META_LOADER, &value) == 0, let value else {
            return nil
        }
        return String(cString: value)
    }
}

/// Input bytes pinned in memory for as long as an image that reads them lazily is alive:
/// a copy of caller-supplied `Data`, or a read-only mapping of a file (no copy at all).
final class SourceBytes {
    let base: UnsafeMutableRawPointer
    let count: Int
    private let mapped: Bool

    /// Copies `data` into a stable allocation.
    init(_ data: Data) {
        count = data.count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        data.copyBytes(to: base.assumingMemoryBound(to: UInt8.self), count: count)
        mapped = false
    }

    /// Maps the file at `path` read-only after checking its size against `limits`: the loader,
    /// the sniffer and SHA-256 all read the page cache directly.
    init(mapping path: String, limits: ImageLimits) throws(ThumbnailError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ThumbnailError(.io, "cannot read \(path)", cause: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0 else {
            throw ThumbnailError(.io, "cannot read \(path)", cause: String(cString: strerror(errno)))
        }
        try limits.check(bytes: Int(size))
        count = Int(size)
        if count == 0 {
            base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 16)
            mapped = false
            return
        }
        guard let region = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), region != MAP_FAILED else {
            throw ThumbnailError(.io, "cannot map \(path)", cause: String(cString: strerror(errno)))
        }
        base = region
        mapped = true
    }

    /// The bytes as `Data` without a copy; valid only while this object is alive.
    var data: Data {
        Data(bytesNoCopy: base, count: count, deallocator: .none)
    }

    deinit {
        if mapped {
            munmap(base, count)
        } else {
            base.deallocate()
        }
    }
}
