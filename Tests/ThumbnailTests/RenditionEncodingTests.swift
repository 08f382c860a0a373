import Foundation
import Testing
@testable import Thumbnail
import CWebP

/// The rendition path without libvips' thread pool: libjpeg encoding from memory, rendering
/// on the calling thread, the lazy centre crop, and the file write.
@Suite("rendition encoding")
struct RenditionEncodingTests {
    /// Marker codes (the byte after 0xFF) of a JPEG's segments before its first scan.
    private static func headerMarkers(_ jpeg: Data) -> [UInt8] {
        let bytes = [UInt8](jpeg)
        var markers: [UInt8] = []
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            markers.append(marker)
            if marker == 0xDA { break }
            offset += 2 + (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
        }
        return markers
    }

    /// The luma component's sampling factors byte (0x22 = 4:2:0, 0x11 = 4:4:4) from the frame
    /// header, or nil without one.
    private static func lumaSampling(_ jpeg: Data) -> UInt8? {
        let bytes = [UInt8](jpeg)
        guard let sof = (0..<bytes.count - 12).first(where: { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) })
        else { return nil }
        return bytes[sof + 11]
    }

    @Test(
        "libjpeg writes the bytes libvips' jpegsave with strip wrote, and no marker but the image's",
        arguments: [(3, 85, false), (3, 85, true), (3, 95, false), (1, 85, false), (1, 92, true)])
    func matchesLibvips(bands: Int, quality: Int, progressive: Bool) throws {
        let (width, height) = (333, 217)
        let pixels = TestImages.gradientPixels(width: width, height: height, bands: bands)
        let image = try VipsImage.fromPixels(pixels, width: width, height: height, bands: bands, input: "encoder")
        let ours = try pixels.withUnsafeBytes { raw in
            try JPEGEncoder.encode(
                pixels: raw, width: width, height: height, bands: bands, quality: quality, progressive: progressive,
                input: "encoder")
        }
        let reference = try image.jpeg(quality: quality, progressive: progressive, input: "encoder")
        #expect(ours == reference)

        let markers = Self.headerMarkers(ours)
        #expect(!markers.contains { (0xE0...0xEF).contains($0) }, "APPn marker in \(markers)")
        #expect(!markers.contains(0xFE), "comment marker")
        #expect(markers.contains(progressive ? 0xC2 : 0xC0))
        #expect(markers.last == 0xDA)
        if bands == 3 {
            #expect(Self.lumaSampling(ours) == (quality < 90 ? 0x22 : 0x11))
        }
        let probe = try ImageProbe.probe(ours)
        #expect(probe.width == width && probe.height == height)
    }

    @Test("the encoder refuses pixels it cannot write with a categorised error")
    func encoderRefuses() throws {
        let pixels = [UInt8](repeating: 128, count: 10 * 10 * 2)
        let twoBands = try #require(throws: ThumbnailError.self) {
            try pixels.withUnsafeBytes { raw in
                try JPEGEncoder.encode(pixels: raw, width: 10, height: 10, bands: 2, quality: 85, progressive: false, input: "two")
            }
        }
        #expect(twoBands.code == .internal)
        #expect(twoBands.message.contains("two"))
        let short = try #require(throws: ThumbnailError.self) {
            try pixels.withUnsafeBytes { raw in
                try JPEGEncoder.encode(pixels: raw, width: 20, height: 10, bands: 3, quality: 85, progressive: false, input: "short")
            }
        }
        #expect(short.code == .internal)
    }

    @Test("rendering on the calling thread gives the thread pool's pixels, rotated and colour-managed inputs included")
    func renderedOnThisThread() throws {
        var inputs: [(String, Data)] = [
            ("generated", try TestImages.jpeg(width: 1200, height: 900)),
            ("generated-orientation-6", try TestImages.jpeg(width: 900, height: 700, orientation: 6)),
        ]
        for file in ["corpus/images/pl_xmp_test.jpg", "corpus/images/th_cmyk-icc.jpg"] {
            if let url = SharedCorpus.url(file) { inputs.append((file, try Data(contentsOf: url))) }
        }
        for (name, data) in inputs {
            // Derived images read the bytes lazily: they stay alive until both are rendered.
            let source = SourceBytes(data)
            func decoded() throws -> VipsImage {
                try VipsImage.jpegThumbnail(
                    source, shrink: 2, width: 400, exportSRGB: true, importCMYK: false, input: name
                ).srgb8(input: name)
            }
            let here = try decoded().inMemory(input: name).upright(input: name).inMemory(input: name)
            let pooled = try decoded().inMemoryThroughThreadPool(input: name).upright(input: name)
                .inMemoryThroughThreadPool(input: name)
            withExtendedLifetime(source) {}
            #expect(here.width == pooled.width && here.height == pooled.height, "\(name)")
            #expect(try here.pixels(input: name) == pooled.pixels(input: name), "\(name)")

            let square = try here.thumbnail(width: 150, height: 150, fit: .centreCrop, input: name)
            let squareHere = try square.inMemory(input: name)
            let squarePooled = try here.thumbnail(width: 150, height: 150, fit: .centreCrop, input: name)
                .inMemoryThroughThreadPool(input: name)
            #expect(try squareHere.pixels(input: name) == squarePooled.pixels(input: name), "\(name)")
        }
    }

    @Test("a centre crop is the middle of the image fitted to fill the box")
    func centreCrop() throws {
        for (width, height) in [(500, 301), (301, 500), (400, 400), (120, 90)] {
            let image = try VipsImage.fromPixels(
                TestImages.gradientPixels(width: width, height: height), width: width, height: height, bands: 3, input: "crop")
            let square = try image.thumbnail(width: 150, height: 150, fit: .centreCrop, input: "crop").inMemory(input: "crop")
            // Filling 150×150 means the shorter side becomes 150 (never enlarged).
            let fitted = width < height
                ? try image.thumbnail(width: min(150, width), height: 100_000, input: "crop").inMemory(input: "crop")
                : try image.thumbnail(width: 100_000, height: min(150, height), input: "crop").inMemory(input: "crop")
            let side = (width: min(150, fitted.width), height: min(150, fitted.height))
            #expect(square.width == side.width && square.height == side.height, "\(width)×\(height)")
            let left = (fitted.width - side.width) / 2, top = (fitted.height - side.height) / 2
            let whole = try fitted.pixels(input: "crop")
            var middle: [UInt8] = []
            for y in top..<(top + side.height) {
                let start = (y * fitted.width + left) * 3
                middle += whole[start..<(start + side.width * 3)]
            }
            #expect(try square.pixels(input: "crop") == middle, "\(width)×\(height)")
        }
    }

    @Test("a rendition file replaces an older one whole and leaves nothing else behind")
    func renditionFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rendition-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0) })
        let second = Data("smaller".utf8)
        try RenditionFile.save(first, as: "640.jpg", in: directory)
        #expect(try Data(contentsOf: directory.appendingPathComponent("640.jpg")) == first)
        try RenditionFile.save(second, as: "640.jpg", in: directory)
        #expect(try Data(contentsOf: directory.appendingPathComponent("640.jpg")) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["640.jpg"])

        let missing = directory.appendingPathComponent("no-such-folder")
        let error = try #require(throws: ThumbnailError.self) {
            try RenditionFile.save(first, as: "150.jpg", in: missing)
        }
        #expect(error.code == .io)
        #expect(error.message.contains("150.jpg"))
        #expect(error.cause != nil)
    }

    @Test("WebP effort: 4 is libwebp's simple encoder byte for byte; 0 and 2 are faster settings that still decode")
    func webpEffort() throws {
        let (width, height) = (301, 203)
        let pixels = TestImages.gradientPixels(width: width, height: height)
        func encode(_ effort: Int) throws -> Data {
            try pixels.withUnsafeBytes { raw throws(ThumbnailError) in
                try WebPEncoder.encode(
                    pixels: raw, width: width, height: height, bands: 3, quality: 80, effort: effort, input: "effort")
            }
        }
        var simple: UnsafeMutablePointer<UInt8>?
        let size = WebPEncodeRGB(pixels, Int32(width), Int32(height), Int32(width * 3), 80, &simple)
        defer { WebPFree(simple) }
        let reference = Data(bytes: try #require(simple), count: size)
        #expect(try encode(4) == reference)
        for effort in [0, 2] {
            let data = try encode(effort)
            #expect(data != reference, "effort \(effort) is a different encoding")
            let decoded = try VipsImage.load(SourceBytes(data), format: .webp, input: "effort")
            #expect(decoded.width == width && decoded.height == height)
        }
        // The preset's effort reaches the encoder: the written file is the effort-0 encoding.
        var preset = PhotoPreset.photo
        preset.renditions = [.init(name: "w", width: width)]
        preset.outputs = [.init(format: .webp, quality: 80, effort: 0)]
        preset.hashes = false
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("effort-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PhotoPipeline(preset: preset).renditions(
            pixels: pixels, width: width, height: height, bands: 3, outputDirectory: directory, name: "effort")
        #expect(try Data(contentsOf: directory.appendingPathComponent("w.webp")) == encode(0))
    }
}
