import CVips
import CVipsShim
import Foundation

/// Fixed operations on images, each one C call through `VipsCall`.
extension VipsImage {
    /// How a thumbnail fits its box.
    enum Fit {
        /// Shrink to fit inside the box, never enlarge.
        case downInside
        /// Fill the box exactly, cropping the centre (square thumbnails); never enlarges.
        case centreCrop
    }

    /// Opens `source` with the loader for `format`: reads the header only, pixels stay lazy.
    /// HEIC and AVIF load libvips' HEIF module first (once per process).
    static func load(_ source: SourceBytes, format: ImageFormat, input: String) throws(ThumbnailError) -> VipsImage {
        if format == .heic || format == .avif { try Vips.startHEIF() }
        return try VipsCall.image("\(format.rawValue)load_buffer", input: input, stage: .decode, source: source) { out in
            CVipsShim_load_buffer(format.loaderCode, source.base, source.count, Int32(VIPS_FAIL_ON_ERROR.rawValue), out)
        }
    }

    /// Shrink-on-load thumbnail of encoded bytes, auto-rotated. With `exportSRGB` the pixels
    /// are converted through the embedded profile to sRGB (CMYK without a profile through
    /// libvips' built-in CMYK profile when `importCMYK`); without it no colour transform runs.
    static func thumbnail(
        _ source: SourceBytes, width: Int, height: Int? = nil, fit: Fit = .downInside,
        exportSRGB: Bool, importCMYK: Bool, input: String
    ) throws(ThumbnailError) -> VipsImage {
        let h = Int32(height ?? Int(CVips_MAX_COORD()))
        return try VipsCall.image("thumbnail_buffer", input: input, stage: .decode, source: source) { out in
            CVipsShim_thumbnail_buffer(
                source.base, source.count, Int32(width), h, Int32(VIPS_SIZE_DOWN.rawValue),
                fit.interesting, exportSRGB ? "srgb" : nil, importCMYK ? "cmyk" : nil, "fail_on=error", out)
        }
    }

    /// JPEG decoded at 1/`shrink` scale in the DCT (1, 2, 4 or 8), then as `thumbnail`:
    /// fitted so that, once upright, it is inside `width` (never enlarged), colour-managed on
    /// the shrunk image. Not yet rotated: render it (`inMemory`), then `upright`. Read
    /// sequentially: render it once.
    static func jpegThumbnail(
        _ source: SourceBytes, shrink: Int, width: Int, exportSRGB: Bool, importCMYK: Bool, input: String
    ) throws(ThumbnailError) -> VipsImage {
        try VipsCall.image("jpegload_buffer+thumbnail_image", input: input, stage: .decode, source: source) { out in
            CVipsShim_jpeg_thumbnail_buffer(
                source.base, source.count, Int32(shrink), Int32(width), CVips_MAX_COORD(),
                exportSRGB ? "srgb" : nil, importCMYK ? "cmyk" : nil, Int32(VIPS_FAIL_ON_ERROR.rawValue), out)
        }
    }

    /// A smaller image derived from this (in-memory) one; no colour management or rotation.
    func thumbnail(width: Int, height: Int? = nil, fit: Fit = .downInside, input: String) throws(ThumbnailError) -> VipsImage {
        let h = Int32(height ?? Int(CVips_MAX_COORD()))
        return try VipsCall.image("thumbnail_image", input: input, stage: .process) { out in
            CVipsShim_thumbnail_image(pointer, Int32(width), h, Int32(VIPS_SIZE_DOWN.rawValue), fit.interesting, out)
        }
    }

    /// Turned upright by the EXIF orientation tag (which goes); the image itself when there is
    /// nothing to turn. Random access: call it on an image in memory.
    func upright(input: String) throws(ThumbnailError) -> VipsImage {
        guard orientation != 1 else { return self }
        return try VipsCall.image("autorot", input: input, stage: .process) { CVipsShim_autorot(pointer, $0) }
    }

    /// 8-bit sRGB (grey gains colour bands; alpha kept).
    func srgb8(input: String) throws(ThumbnailError) -> VipsImage {
        try VipsCall.image("colourspace", input: input, stage: .process) { CVipsShim_to_srgb8(pointer, $0) }
    }

    /// Alpha flattened onto white (for formats without alpha).
    func flattened(input: String) throws(ThumbnailError) -> VipsImage {
        try VipsCall.image("flatten", input: input, stage: .process) { CVipsShim_flatten_white(pointer, $0) }
    }

    /// Decodes every pixel into memory once; later reads are random access. A failure here is
    /// a decode failure when the image still reads from its input.
    ///
    /// Computed on this thread, strip by strip: libvips' thread pool (even with one worker)
    /// hands every strip between threads, which cost more than the pixels of a photo job.
    func inMemory(input: String, stage: VipsCall.Stage = .decode) throws(ThumbnailError) -> VipsImage {
        try VipsCall.image("render_memory", input: input, stage: stage) { CVipsShim_render_memory(pointer, $0) }
    }

    /// As `inMemory`, through libvips' own thread pool (`vips_image_copy_memory`): the
    /// reference the pixels of `inMemory` are checked against.
    func inMemoryThroughThreadPool(input: String, stage: VipsCall.Stage = .decode) throws(ThumbnailError) -> VipsImage {
        try VipsCall.image("copy_memory", input: input, stage: stage) { CVipsShim_copy_memory(pointer, $0) }
    }

    /// Stripped JPEG through libvips' `jpegsave` (renditions use `JPEGEncoder`; this is the
    /// reference it is checked against).
    func jpeg(quality: Int, progressive: Bool, input: String) throws(ThumbnailError) -> Data {
        try VipsCall.buffer("jpegsave_buffer", input: input) { out, length in
            CVipsShim_jpegsave_buffer(pointer, Int32(quality), progressive ? 1 : 0, out, length)
        }
    }

    /// JPEG that keeps metadata (orientation, ICC): only for building test inputs.
    func jpegKeepingMetadata(quality: Int, input: String) throws(ThumbnailError) -> Data {
        try VipsCall.buffer("jpegsave_buffer", input: input) { out, length in
            CVipsShim_jpegsave_buffer_keep(pointer, Int32(quality), out, length)
        }
    }

    /// Stripped PNG.
    func png(input: String) throws(ThumbnailError) -> Data {
        try VipsCall.buffer("pngsave_buffer", input: input) { out, length in
            CVipsShim_pngsave_buffer(pointer, out, length)
        }
    }

    /// WebP through libvips (its `strip` leaves EXIF/ICC: see `WebPEncoder` for outputs).
    func vipsWebP(quality: Int, input: String) throws(ThumbnailError) -> Data {
        try VipsCall.buffer("webpsave_buffer", input: input) { out, length in
            CVipsShim_webpsave_buffer(pointer, Int32(quality), out, length)
        }
    }

    /// The pixels as packed interleaved bytes (`bands` per pixel, row-major).
    func pixels(input: String) throws(ThumbnailError) -> [UInt8] {
        try withPixels(input: input) { [UInt8]($0) }
    }

    /// Calls `body` with the packed interleaved pixels (`bands` per pixel, row-major), read in
    /// place when the image is in memory (`inMemory`), else rendered into memory first. The
    /// buffer is valid only inside `body`.
    func withPixels<Result>(
        input: String, _ body: (UnsafeRawBufferPointer) throws(ThumbnailError) -> Result
    ) throws(ThumbnailError) -> Result {
        let image = memoryPixels != nil ? self : try inMemory(input: input, stage: .process)
        guard let pixels = image.memoryPixels else {
            throw ThumbnailError(.internal, "pixels of \(input) are not addressable in memory")
        }
        return try withExtendedLifetime(image) { () throws(ThumbnailError) -> Result in try body(pixels) }
    }

    /// The pixel buffer of an image held in memory (nil for a lazy one).
    private var memoryPixels: UnsafeRawBufferPointer? {
        let image = pointer.pointee
        guard image.dtype == VIPS_IMAGE_SETBUF || image.dtype == VIPS_IMAGE_SETBUF_FOREIGN, let data = image.data else {
            return nil
        }
        return UnsafeRawBufferPointer(start: data, count: Int(vips_format_sizeof(image.BandFmt)) * bands * width * height)
    }

    /// Sets the EXIF orientation tag (for building test inputs).
    func setOrientation(_ value: Int) {
        CVipsShim_set_orientation(pointer, Int32(value))
    }

    /// An 8-bit image from packed pixels (1 grey, 3 RGB, 4 RGBA or CMYK bands).
    static func fromPixels(
        _ bytes: [UInt8], width: Int, height: Int, bands: Int, cmyk: Bool = false, input: String
    ) throws(ThumbnailError) -> VipsImage {
        guard width > 0, height > 0, bands > 0, bytes.count == width * height * bands else {
            throw ThumbnailError(.internal, "pixel buffer of \(bytes.count) bytes does not match \(width)×\(height)×\(bands)")
        }
        return try VipsCall.image("new_from_memory_copy", input: input, stage: .process) { out in
            let image = bytes.withUnsafeBytes { raw in
                vips_image_new_from_memory_copy(raw.baseAddress, raw.count, Int32(width), Int32(height), Int32(bands), VIPS_FORMAT_UCHAR)
            }
            guard let image else { return -1 }
            let interpretation: VipsInterpretation = cmyk ? VIPS_INTERPRETATION_CMYK
                : bands < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB
            image.pointee.Type = interpretation
            out.pointee = image
            return 0
        }
    }
}

extension VipsImage.Fit {
    var interesting: Int32 {
        switch self {
        case .downInside: Int32(VIPS_INTERESTING_NONE.rawValue)
        case .centreCrop: Int32(VIPS_INTERESTING_CENTRE.rawValue)
        }
    }
}

extension ImageFormat {
    /// The shim's loader selector for this format.
    var loaderCode: Int32 {
        switch self {
        case .jpeg: Int32(CVipsShim_FORMAT_JPEG.rawValue)
        case .png: Int32(CVipsShim_FORMAT_PNG.rawValue)
        case .webp: Int32(CVipsShim_FORMAT_WEBP.rawValue)
        case .gif: Int32(CVipsShim_FORMAT_GIF.rawValue)
        case .heic, .avif: Int32(CVipsShim_FORMAT_HEIF.rawValue)
        }
    }
}
