import Foundation
import Testing
@testable import Thumbnail

@Suite("libvips wrapper")
struct VipsWrapperTests {
    /// One full wrapper round trip: header load, pixel decode, shrink, both encoders.
    private static func roundTrip(_ jpeg: Data) throws {
        let source = SourceBytes(jpeg)
        let header = try VipsImage.load(source, format: .jpeg, input: "leak-test")
        #expect(header.width == 640)
        let large = try VipsImage.thumbnail(source, width: 320, exportSRGB: true, importCMYK: false, input: "leak-test")
            .srgb8(input: "leak-test").inMemory(input: "leak-test")
        let small = try large.thumbnail(width: 150, height: 150, fit: .centreCrop, input: "leak-test")
        _ = try small.jpeg(quality: 85, progressive: true, input: "leak-test")
        // A lazy image's pixels are rendered on this thread for the libjpeg encoder.
        let medium = try large.thumbnail(width: 200, input: "leak-test")
        _ = try medium.withPixels(input: "leak-test") { raw throws(ThumbnailError) in
            try JPEGEncoder.encode(
                pixels: raw, width: medium.width, height: medium.height, bands: medium.bands, quality: 85,
                progressive: false, input: "leak-test")
        }
        _ = try small.withPixels(input: "leak-test") { pixels throws(ThumbnailError) in
            try WebPEncoder.encode(
                pixels: pixels, width: small.width, height: small.height, bands: small.bands, quality: 80,
                input: "leak-test")
        }
    }

    @Test("every image the wrapper makes is released: 200 round trips + 10 pipeline runs leave none alive")
    func noLeaks() throws {
        try Vips.start()
        #expect(Vips.leakChecking, "debug builds switch vips_leak_set on at start-up")
        // Each image created for this label gets a GObject weak reference that fires when
        // libvips finalizes it: a count that other (parallel) tests cannot disturb, and that
        // stays above zero if `VipsImage.deinit` ever stops unreffing.
        Vips.watch(label: "leak-test")
        let jpeg = try TestImages.jpeg(width: 640, height: 480)
        let baseline = Vips.watchedAlive()

        // The measure is live: holding one image raises it, releasing it restores it.
        do {
            let held = try VipsImage.load(SourceBytes(jpeg), format: .jpeg, input: "leak-test")
            #expect(Vips.watchedAlive() == baseline + 1)
            #expect(held.width == 640)
        }
        #expect(Vips.watchedAlive() == baseline)

        for _ in 0..<200 { try Self.roundTrip(jpeg) }
        #expect(Vips.watchedAlive() == baseline)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("leak-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        for _ in 0..<10 {
            _ = try PhotoPipeline().process(data: jpeg, outputDirectory: out, name: "leak-test")
        }
        #expect(Vips.watchedAlive() == baseline)
    }

    @Test("a truncated JPEG is a typed corrupt error carrying libvips' text")
    func truncatedJPEG() throws {
        let jpeg = try TestImages.jpeg(width: 400, height: 300)
        let truncated = jpeg.prefix(jpeg.count / 2)
        let error = try #require(throws: ThumbnailError.self) {
            let source = SourceBytes(Data(truncated))
            _ = try VipsImage.thumbnail(source, width: 200, exportSRGB: true, importCMYK: false, input: "truncated.jpg")
                .inMemory(input: "truncated.jpg")
        }
        #expect(error.code == .corrupt)
        #expect(error.disposition.isPermanent)
        #expect(error.message.contains("truncated.jpg"))
        #expect(error.cause?.isEmpty == false)
    }

    @Test("a JPEG with flipped bytes in its header fails as corrupt, not a crash")
    func flippedBytes() throws {
        var jpeg = [UInt8](try TestImages.jpeg(width: 400, height: 300))
        // Damage the frame header and the start of the entropy-coded data.
        for i in stride(from: 20, to: min(jpeg.count, 700), by: 3) { jpeg[i] ^= 0xFF }
        let error = try #require(throws: ThumbnailError.self) {
            let source = SourceBytes(Data(jpeg))
            _ = try VipsImage.load(source, format: .jpeg, input: "flipped.jpg").inMemory(input: "flipped.jpg")
        }
        #expect(error.code == .corrupt)
        #expect(error.cause != nil)
    }

    @Test("a garbage buffer is a corrupt error with the library's message")
    func garbage() throws {
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
        let error = try #require(throws: ThumbnailError.self) {
            _ = try VipsImage.load(SourceBytes(garbage), format: .png, input: "garbage.png")
        }
        #expect(error.code == .corrupt)
        #expect(error.disposition == .badInput)
        #expect(error.cause?.isEmpty == false)
        #expect(error.description.contains("corrupt"))
    }

    /// A valid 1×1 greyscale uncompressed TIFF (libvips' tiffload is "trusted", so only our
    /// allow-list keeps it out).
    private static func tinyTIFF() -> Data {
        func short(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func long(_ v: Int) -> [UInt8] { short(v & 0xFFFF) + short(v >> 16) }
        let entries: [(tag: Int, type: Int, value: Int)] = [
            (256, 3, 1), (257, 3, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 122), (277, 3, 1),
            (278, 3, 1), (279, 4, 1),
        ]
        var bytes: [UInt8] = Array("II".utf8) + short(42) + long(8) + short(entries.count)
        for e in entries {
            bytes += short(e.tag) + short(e.type) + long(1) + (e.type == 3 ? short(e.value) + short(0) : long(e.value))
        }
        bytes += long(0) + [0x80]
        return Data(bytes)
    }

    @Test("loaders outside the allow-list are blocked even when libvips sniffs the input itself")
    func blockedLoaders() throws {
        let svg = Data(#"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>"#.utf8)
        for (name, data) in [("tiny.tif", Self.tinyTIFF()), ("tiny.svg", svg)] {
            #expect(ImageFormat.sniff(data) == nil, "\(name)")
            // thumbnail_buffer picks its loader by sniffing: the block list must stop it.
            let error = try #require(throws: ThumbnailError.self, "\(name)") {
                _ = try VipsImage.thumbnail(SourceBytes(data), width: 32, exportSRGB: false, importCMYK: false, input: name)
                    .inMemory(input: name)
            }
            #expect(error.code == .corrupt, "\(name)")
        }
    }

    @Test("of libvips' optional loader modules only HEIF enters the process")
    func onlyHEIFModule() throws {
        try Vips.startHEIF()
        #expect(try Vips.hasOperation("heifload_buffer"))
        // Operations of the modules left on disk are not even registered, blocked or not.
        for nickname in ["magickload_buffer", "pdfload_buffer", "openslideload", "jxlload_buffer"] {
            #expect(try !Vips.hasOperation(nickname), "\(nickname)")
        }
        // Built-in loaders are registered (and blocked by the allow-list, see above).
        #expect(try Vips.hasOperation("tiffload_buffer"))
        // /proc files report size 0: read to the end rather than a size-based read.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps"))
        defer { try? handle.close() }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        #expect(maps.contains("/libvips.so"))
        #expect(maps.contains("/vips-heif.so"))
        for module in ["vips-magick", "vips-poppler", "vips-openslide", "vips-jxl", "libMagickCore", "libpoppler"] {
            #expect(!maps.contains(module), "\(module) is mapped")
        }
    }

    @Test("a HEIC photo decodes through the one loaded module",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func heicDecodes() throws {
        let url = try #require(SharedCorpus.url("corpus/formats/ia_IMG_2682.heic"))
        let source = SourceBytes(try Data(contentsOf: url))
        // The probe opens it by its sniffed format, which loads the module.
        #expect(try ImageProbe.open(source, limits: .default, name: "heic").format == .heic)
        let image = try VipsImage.thumbnail(source, width: 200, exportSRGB: true, importCMYK: false, input: "heic")
            .inMemory(input: "heic")
        #expect(max(image.width, image.height) == 200)
    }

    @Test("error codes print as their snake_case wire form")
    func codes() {
        #expect(ThumbnailError.Code.unsupportedFormat.rawValue == "unsupported_format")
        #expect(ThumbnailError.Code.tooManyPixels.description == "too_many_pixels")
        #expect(ThumbnailError.Code.tooManyFrames.rawValue == "too_many_frames")
        #expect(ThumbnailError.Code.tooLarge.rawValue == "too_large")
        #expect(ThumbnailError.Code.internal.rawValue == "internal")
        #expect(!ThumbnailError(.internal, "x").disposition.isPermanent)
    }
}
