import Foundation
import Testing
@testable import Thumbnail

@Suite("format sniffing and limits")
struct FormatAndLimitsTests {
    @Test("magic bytes identify each accepted format; anything else is nil")
    func sniff() throws {
        #expect(ImageFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(ImageFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(ImageFormat.sniff(Array("GIF89a".utf8)) == .gif)
        #expect(ImageFormat.sniff([0, 0, 0, 0x18] + Array("ftypheic\u{0}\u{0}\u{0}\u{0}mif1heic".utf8)) == .heic)
        #expect(ImageFormat.sniff([0, 0, 0, 0x1c] + Array("ftypavif\u{0}\u{0}\u{0}\u{0}avifmif1miaf".utf8)) == .avif)
        #expect(ImageFormat.sniff([0, 0, 0, 0x18] + Array("ftypmif1\u{0}\u{0}\u{0}\u{0}mif1avif".utf8)) == .avif)
        #expect(ImageFormat.sniff([0, 0, 0, 0x18] + Array("ftypisom\u{0}\u{0}\u{0}\u{0}isomiso2".utf8)) == nil)  // MP4
        #expect(ImageFormat.sniff(Array("BM6\u{0}".utf8)) == nil)
        #expect(ImageFormat.sniff(Array("II*\u{0}".utf8)) == nil)  // TIFF: not accepted
        #expect(ImageFormat.sniff(Array("<svg xmlns=".utf8)) == nil)
        #expect(ImageFormat.sniff([UInt8]()) == nil)
        #expect(ImageFormat.sniff(try TestImages.jpeg(width: 16, height: 16)) == .jpeg)
        #expect(ImageFormat.sniff(try TestImages.png(width: 16, height: 16)) == .png)
    }

    @Test("corpus files sniff as their format", .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"), arguments: [
        ("corpus/formats/ia_IMG_2682.heic", ImageFormat.heic), ("corpus/formats/ia_8bit-sRGB.avif", .avif),
        ("corpus/formats/ia_denali.webp", .webp), ("corpus/formats/th_rotating_earth_large.gif", .gif),
        ("corpus/images/lv_sample.png", .png), ("corpus/bombs/lv_17000x17000.avif", .avif),
    ])
    func sniffCorpus(file: String, format: ImageFormat) throws {
        let url = try #require(SharedCorpus.url(file), "../shared/\(file) is missing from the corpus")
        #expect(ImageFormat.sniff(try Data(contentsOf: url)) == format)
    }

    @Test("unsupported formats are refused by code")
    func unsupported() throws {
        let svg = Data("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>".utf8)
        let error = try #require(throws: ThumbnailError.self) { try ImageProbe.probe(svg) }
        #expect(error.code == .unsupportedFormat)
        #expect(error.disposition.isPermanent)
        let tiff = Data([0x49, 0x49, 0x2A, 0x00] + [UInt8](repeating: 0, count: 100))
        #expect(throws: ThumbnailError.self) { try PhotoPipeline().hash(data: tiff) }
    }

    @Test("the header gives format, size and orientation without decoding")
    func probe() throws {
        let jpeg = try TestImages.jpeg(width: 320, height: 200, orientation: 6)
        let probe = try ImageProbe.probe(jpeg)
        #expect(probe.format == .jpeg)
        #expect(probe.width == 320 && probe.height == 200)
        #expect(probe.orientation == 6)
        #expect(probe.frames == 1 && !probe.isAnimated)
        #expect(probe.bytes == jpeg.count)
    }

    @Test("inputs over each limit are refused with the limit's code")
    func limits() throws {
        let jpeg = try TestImages.jpeg(width: 300, height: 200)
        func code(_ limits: ImageLimits) -> ThumbnailError.Code? {
            do {
                _ = try ImageProbe.probe(jpeg, limits: limits)
                return nil
            } catch {
                return error.code
            }
        }
        let base = ImageLimits.default
        var bytes = base
        bytes.maxBytes = jpeg.count - 1
        #expect(code(bytes) == .tooLarge)
        var pixels = base
        pixels.maxPixels = 300 * 200 - 1
        #expect(code(pixels) == .tooManyPixels)
        var width = base
        width.maxWidth = 299
        #expect(code(width) == .tooLarge)
        var height = base
        height.maxHeight = 199
        #expect(code(height) == .tooLarge)
        #expect(code(base) == nil)
    }

    @Test("the 17000×17000 AVIF bomb is refused as too_many_pixels from its header",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func avifBomb() throws {
        let url = try #require(SharedCorpus.url("corpus/bombs/lv_17000x17000.avif"), "corpus/bombs/lv_17000x17000.avif is missing from the corpus")
        let error = try #require(throws: ThumbnailError.self) {
            try PhotoPipeline().hash(input: url)
        }
        #expect(error.code == .tooManyPixels)
        #expect(error.message.contains("17000"))
    }

    @Test("the 99.6 MP stress JPEG is refused as too_many_pixels",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func stressJPEG() throws {
        let url = try #require(SharedCorpus.url("corpus/stress/th_9643x10328.jpg"), "corpus/stress/th_9643x10328.jpg is missing from the corpus")
        let error = try #require(throws: ThumbnailError.self) {
            _ = try PhotoPipeline().process(input: url, outputDirectory: FileManager.default.temporaryDirectory)
        }
        #expect(error.code == .tooManyPixels)
    }

    @Test("an animated input over the frame limit is refused as too_many_frames",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func frames() throws {
        let url = try #require(SharedCorpus.url("corpus/formats/th_rotating_earth_large.gif"), "corpus/formats/th_rotating_earth_large.gif is missing from the corpus")
        var limits = ImageLimits.default
        limits.maxFrames = 10
        let error = try #require(throws: ThumbnailError.self) {
            try ImageProbe.probe(try Data(contentsOf: url), limits: limits)
        }
        #expect(error.code == .tooManyFrames)
        let probe = try ImageProbe.probe(try Data(contentsOf: url))
        #expect(probe.frames == 44 && probe.isAnimated)
        #expect(probe.height == 400)
    }
}
