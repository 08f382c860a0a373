import Foundation
import Testing
@testable import Thumbnail

@Suite("photo pipeline")
struct PhotoPipelineTests {
    /// A fresh temporary output directory.
    private static func outputDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("thumb-\(UUID().uuidString)")
    }

    /// Mean of each of the first three bands of an encoded image.
    private static func meanColour(_ data: Data) throws -> [Double] {
        let format = try #require(ImageFormat.sniff(data))
        let image = try VipsImage.load(SourceBytes(data), format: format, input: "output")
        let pixels = try image.pixels(input: "output")
        var sums = [Double](repeating: 0, count: 3)
        let count = image.width * image.height
        for p in 0..<count { for b in 0..<3 { sums[b] += Double(pixels[p * image.bands + min(b, image.bands - 1)]) } }
        return sums.map { $0 / Double(count) }
    }

    private static func rendition(_ manifest: PhotoManifest, _ name: String, _ format: OutputFormat) throws -> PhotoManifest.Rendition {
        try #require(manifest.renditions.first { $0.name == name && $0.format == format })
    }

    @Test("orientation 6 comes out portrait at every size; manifest keeps stored size and orientation")
    func orientation() throws {
        let jpeg = try TestImages.jpeg(width: 2000, height: 1500, orientation: 6)
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(data: jpeg, outputDirectory: out)
        #expect(manifest.input.width == 2000 && manifest.input.height == 1500)
        #expect(manifest.input.orientation == 6)
        #expect(manifest.renditions.count == 6)
        for format in OutputFormat.allCases {
            let large = try Self.rendition(manifest, "1080", format)
            #expect(large.width == 1080 && large.height == 1440)
            let medium = try Self.rendition(manifest, "640", format)
            #expect(medium.width == 640 && medium.height == 853)
            let square = try Self.rendition(manifest, "150", format)
            #expect(square.width == 150 && square.height == 150)
        }
        // The files hold what the manifest says.
        for rendition in manifest.renditions {
            let data = try Data(contentsOf: out.appendingPathComponent(rendition.path))
            #expect(data.count == rendition.bytes)
            let probe = try ImageProbe.probe(data)
            #expect(probe.width == rendition.width && probe.height == rendition.height, "\(rendition.path)")
            #expect(probe.format.rawValue == rendition.format.rawValue, "\(rendition.path)")
        }
    }

    @Test("no output carries EXIF, ICC or XMP, even from an input full of them")
    func stripped() throws {
        var inputs: [(String, Data)] = [("generated-orientation-6", try TestImages.jpeg(width: 800, height: 600, orientation: 6))]
        for file in ["corpus/images/pl_xmp_test.jpg", "corpus/images/ia_empty_gps.jpg", "corpus/formats/ia_denali.webp",
                     "corpus/formats/pl_icc_profile_big.jpg", "corpus/formats/ia_IMG_2682.heic"] {
            // Without ../shared (scripts/test --without-corpus) the generated input is checked alone;
            // with it, every listed file must be there.
            guard SharedCorpus.isPresent else { continue }
            let url = try #require(SharedCorpus.url(file), "\(file) is missing from the corpus")
            inputs.append((file, try Data(contentsOf: url)))
        }
        for (name, data) in inputs {
            let out = Self.outputDirectory()
            defer { try? FileManager.default.removeItem(at: out) }
            let manifest = try PhotoPipeline().process(data: data, outputDirectory: out, name: name)
            for rendition in manifest.renditions {
                let bytes = try Data(contentsOf: out.appendingPathComponent(rendition.path))
                #expect(OutputInspector.metadata(in: bytes).isEmpty, "\(name) → \(rendition.path): \(OutputInspector.metadata(in: bytes))")
            }
            // JPEG renditions are progressive (SOF2).
            let jpeg = try Data(contentsOf: out.appendingPathComponent("640.jpg"))
            #expect(jpeg.range(of: Data([0xFF, 0xC2])) != nil, "\(name): 640.jpg is not progressive")
        }
    }

    @Test("libvips' own webpsave keeps EXIF despite strip (why WebP goes through libwebp)")
    func vipsWebPLeaks() throws {
        let jpeg = try TestImages.jpeg(width: 64, height: 48, orientation: 6)
        let image = try VipsImage.load(SourceBytes(jpeg), format: .jpeg, input: "exif")
        let webp = try image.vipsWebP(quality: 80, input: "exif")
        #expect(OutputInspector.webpChunks(webp).contains("EXIF"))
    }

    @Test("a small source is never upscaled and the manifest gives the actual sizes")
    func noUpscale() throws {
        let png = try TestImages.png(width: 300, height: 200)
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(data: png, outputDirectory: out)
        #expect(manifest.input.format == .png)
        for name in ["640", "1080"] {
            let r = try Self.rendition(manifest, name, .jpeg)
            #expect(r.width == 300 && r.height == 200)
        }
        let square = try Self.rendition(manifest, "150", .webp)
        #expect(square.width == 150 && square.height == 150)
    }

    @Test("CMYK without a profile keeps its colour (imported with the CMYK fallback)")
    func cmykFallback() throws {
        // Pure cyan ink: in sRGB, little red, plenty of green and blue.
        let jpeg = try TestImages.cmykJPEG(width: 200, height: 100, cmyk: [255, 0, 0, 0])
        #expect(try ImageProbe.probe(jpeg).isCMYK)
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try PhotoPipeline().process(data: jpeg, outputDirectory: out)
        let mean = try Self.meanColour(try Data(contentsOf: out.appendingPathComponent("640.jpg")))
        #expect(mean[0] < 100 && mean[1] > 120 && mean[2] > 180, "cyan came out as \(mean)")
    }

    @Test("CMYK with an embedded profile is converted through that profile, not a generic CMYK one",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func cmykProfile() throws {
        let url = try #require(SharedCorpus.url("corpus/images/th_cmyk-icc.jpg"), "corpus/images/th_cmyk-icc.jpg is missing from the corpus")
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(input: url, outputDirectory: out)
        #expect(manifest.input.width == 388 && manifest.input.height == 218)
        // The image is one flat colour. Through its embedded profile (U.S. Web Coated SWOP v2,
        // relative colorimetric) LittleCMS gives (153, 214, 214), both from
        // `vips icc_transform th_cmyk-icc.jpg x.v srgb --embedded` and from Pillow's ImageCms;
        // libvips' generic CMYK fallback gives (131, 200, 205), which this must not match.
        for file in ["1080.jpg", "1080.webp"] {
            let mean = try Self.meanColour(try Data(contentsOf: out.appendingPathComponent(file)))
            for (value, reference) in zip(mean, [153.0, 214.0, 214.0]) {
                #expect(abs(value - reference) < 4, "\(file): mean \(mean)")
            }
        }
    }

    @Test("the corpus EXIF-6 image is rotated: stored 700×840 comes out landscape 840×700",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func corpusOrientation() throws {
        let url = try #require(SharedCorpus.url("corpus/images/ia_portrait-orientation-6.jpg"), "corpus/images/ia_portrait-orientation-6.jpg is missing from the corpus")
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(input: url, outputDirectory: out)
        #expect(manifest.input.orientation == 6)
        let large = try Self.rendition(manifest, "1080", .jpeg)
        #expect(large.width == 840 && large.height == 700)
    }

    @Test("animated inputs render their first frame and say so", .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"), arguments: [
        "corpus/formats/th_rotating_earth_large.gif", "corpus/formats/pl_iss634_animated.webp",
    ])
    func animated(file: String) throws {
        let url = try #require(SharedCorpus.url(file), "../shared/\(file) is missing from the corpus")
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(input: url, outputDirectory: out)
        #expect(manifest.input.animated == true)
        let large = try Self.rendition(manifest, "1080", .webp)
        #expect(large.width == manifest.input.width && large.height == manifest.input.height)
    }

    @Test("HEIC and AVIF inputs decode", .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"), arguments: ["corpus/formats/ia_8bit-sRGB.avif", "corpus/formats/ia_IMG_2682.heic", "corpus/formats/ia_10bit-HDR-P3-nclx.avif"])
    func heif(file: String) throws {
        let url = try #require(SharedCorpus.url(file), "../shared/\(file) is missing from the corpus")
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(input: url, outputDirectory: out)
        #expect(manifest.renditions.count == 6)
        #expect((manifest.hashes?.pdqQuality ?? 0) > 50)
    }

    @Test("manifest JSON has exactly the documented shape; hash() agrees with process()")
    func manifestJSON() throws {
        let jpeg = try TestImages.jpeg(width: 1200, height: 900)
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let pipeline = PhotoPipeline()
        let manifest = try pipeline.process(data: jpeg, outputDirectory: out)
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(manifest)) as? [String: Any]
        let object = try #require(json)
        #expect(Set(object.keys) == ["kind", "preset", "input", "renditions", "hashes", "blurhash"])
        #expect(object["kind"] as? String == "photo")
        #expect((object["preset"] as? [String: Any])?["name"] as? String == "photo")
        let input = try #require(object["input"] as? [String: Any])
        #expect(Set(input.keys) == ["format", "width", "height", "bytes", "sha256", "orientation"])
        #expect(input["format"] as? String == "jpeg")
        let hashKeys = try #require(object["hashes"] as? [String: Any]).keys
        #expect(Set(hashKeys) == ["pdq", "pdq_quality", "phash"])
        let renditions = try #require(object["renditions"] as? [[String: Any]])
        #expect(Set(renditions[0].keys) == ["name", "format", "width", "height", "bytes", "path"])
        #expect(manifest.renditions.map(\.path) == ["150.jpg", "150.webp", "640.jpg", "640.webp", "1080.jpg", "1080.webp"])
        let recorded = try #require(manifest.hashes)
        #expect(recorded.pdq.count == 64 && recorded.phash.count == 16)
        #expect(manifest.blurhash?.count == 36)
        #expect(manifest.input.sha256 == SHA256Digest.hex(of: jpeg))
        // Round trip (dihedral variants are in-process only).
        var expected = manifest
        expected.hashes?.pdqDihedral = nil
        #expect(try JSONDecoder().decode(PhotoManifest.self, from: JSONEncoder().encode(manifest)) == expected)

        let hashes = try pipeline.hash(data: jpeg)
        #expect(hashes.sha256 == manifest.input.sha256)
        #expect(hashes.pdq == recorded.pdq && hashes.phash == recorded.phash)
        #expect(hashes.pdqDihedral?.count == 8 && hashes.pdqDihedral?.first == hashes.pdq)
    }

    @Test("a preset with hashes off writes the same renditions and a manifest without hashes")
    func hashesOff() throws {
        let jpeg = try TestImages.jpeg(width: 1200, height: 900)
        var preset = PhotoPreset.photo
        preset.hashes = false
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline(preset: preset).process(data: jpeg, outputDirectory: out)
        #expect(manifest.hashes == nil && manifest.blurhash == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(manifest)) as? [String: Any])
        #expect(Set(object.keys) == ["kind", "preset", "input", "renditions"])
        #expect(manifest.renditions.map { "\($0.path) \($0.width)x\($0.height)" } == [
            "150.jpg 150x150", "150.webp 150x150", "640.jpg 640x480", "640.webp 640x480", "1080.jpg 1080x810", "1080.webp 1080x810",
        ])
        #expect(manifest.input.sha256 == SHA256Digest.hex(of: jpeg))
    }

    @Test("a file is processed from a mapping: same manifest as from its bytes")
    func mappedInput() throws {
        let jpeg = try TestImages.jpeg(width: 900, height: 700)
        let file = Self.outputDirectory().appendingPathExtension("jpg")
        try jpeg.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = Self.outputDirectory(), fromData = Self.outputDirectory()
        defer {
            try? FileManager.default.removeItem(at: fromFile)
            try? FileManager.default.removeItem(at: fromData)
        }
        var timings = PhotoTimings()
        let mapped = try PhotoPipeline().process(input: file, outputDirectory: fromFile, timings: &timings)
        let copied = try PhotoPipeline().process(data: jpeg, outputDirectory: fromData)
        #expect(mapped == copied)
        #expect(timings.hashesMs != nil && timings.hashesCPUMs != nil && timings.decodeMs > 0)
        var tight = PhotoPreset.photo
        tight.limits.maxBytes = jpeg.count - 1
        let error = try #require(throws: ThumbnailError.self) {
            try PhotoPipeline(preset: tight).process(input: file, outputDirectory: fromFile)
        }
        #expect(error.code == .tooLarge)
    }

    @Test("dihedral variants of an upload find the same photo stored rotated")
    func dihedralLookup() throws {
        let upright = try TestImages.jpeg(width: 900, height: 600)
        let image = try VipsImage.load(SourceBytes(upright), format: .jpeg, input: "rotate")
        image.setOrientation(6)
        let rotated = try image.jpegKeepingMetadata(quality: 90, input: "rotate")
        let pipeline = PhotoPipeline()
        let stored = try #require(PDQHash(hex: try pipeline.hash(data: upright).pdq))
        let variants = try #require(try pipeline.hash(data: rotated).pdqDihedral).compactMap { PDQHash(hex: $0) }
        #expect(variants.count == 8)
        #expect(variants[0].distance(to: stored) > 31, "rotated without variants should not match")
        #expect(variants.map { $0.distance(to: stored) }.min() ?? 256 <= 31)
    }

    @Test("a truncated input through the pipeline is corrupt; nothing crashes")
    func truncated() throws {
        let jpeg = try TestImages.jpeg(width: 1200, height: 900)
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let error = try #require(throws: ThumbnailError.self) {
            _ = try PhotoPipeline().process(data: jpeg.prefix(jpeg.count / 3), outputDirectory: out)
        }
        #expect(error.code == .corrupt)
    }

    @Test("cancellation between steps stops the job")
    func cancelled() throws {
        let jpeg = try TestImages.jpeg(width: 400, height: 300)
        let error = try #require(throws: ThumbnailError.self) {
            _ = try PhotoPipeline().process(data: jpeg, outputDirectory: Self.outputDirectory(), isCancelled: { true })
        }
        #expect(error.code == .cancelled)
        #expect(!error.disposition.isPermanent)
    }

    @Test("renditions from raw pixels (e.g. a video poster frame)")
    func fromPixels() throws {
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let pixels = TestImages.gradientPixels(width: 1280, height: 720)
        let written = try PhotoPipeline().renditions(pixels: pixels, width: 1280, height: 720, bands: 3, outputDirectory: out)
        #expect(written.count == 6)
        #expect(written.first { $0.name == "640" }?.height == 360)
    }
}
