import Foundation
import Testing
@testable import Thumbnail

/// The pipeline end to end over the shared corpus (reported as skipped when `../shared` is absent).
@Suite("photo pipeline on the shared corpus")
struct CorpusPipelineTests {
    /// Corpus inputs whose outputs are pinned in `fixtures/photo-golden.json`.
    static let files = [
        "corpus/images/ia_book-beside-flowers.jpg", "corpus/images/ia_craft-beer.jpg", "corpus/images/ia_empty_gps.jpg",
        "corpus/images/ia_prairie_falcon.jpg", "corpus/images/ia_portrait-orientation-6.jpg", "corpus/images/lv_sample.png",
        "corpus/images/lv_ultra-hdr.jpg", "corpus/images/pl_xmp_test.jpg", "corpus/images/th_giunchedi.png",
        "corpus/images/th_cmyk-icc.jpg", "corpus/formats/pl_icc_profile_big.jpg", "corpus/formats/ia_denali.webp",
        "corpus/formats/ia_IMG_2682.heic", "corpus/formats/ia_8bit-sRGB.avif", "corpus/formats/th_rotating_earth_large.gif",
    ]

    @Test("corpus photos give clean renditions no larger than asked, matching the golden manifests",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func corpusGolden() throws {
        let golden = try GoldenManifests.load()
        var current: [String: GoldenManifests.Entry] = [:]
        for file in Self.files {
            guard let url = SharedCorpus.url(file) else { continue }
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }
            let manifest = try PhotoPipeline().process(input: url, outputDirectory: out)
            #expect(manifest.renditions.count == 6, "\(file)")
            let swapped = manifest.input.orientation >= 5
            let displayWidth = swapped ? manifest.input.height : manifest.input.width
            for r in manifest.renditions {
                let data = try Data(contentsOf: out.appendingPathComponent(r.path))
                #expect(OutputInspector.metadata(in: data).isEmpty, "\(file) → \(r.path)")
                if r.name == "150" {
                    #expect(r.width == 150 && r.height == 150, "\(file) → \(r.path)")
                } else {
                    #expect(r.width == min(Int(r.name) ?? 0, displayWidth), "\(file) → \(r.path): \(r.width)")
                }
            }
            let entry = GoldenManifests.Entry(manifest)
            current[file] = entry
            if GoldenManifests.regenerating { continue }
            guard let expected = golden[file] else {
                Issue.record("\(file): no golden entry; run with UPDATE_GOLDEN=1 and review the diff")
                continue
            }
            #expect(entry.sizes == expected.sizes, "\(file): rendition sizes changed")
            #expect(entry.pdqQuality == expected.pdqQuality, "\(file)")
            let pdq = try #require(PDQHash(hex: entry.pdq)).distance(to: try #require(PDQHash(hex: expected.pdq)))
            #expect(pdq <= 8, "\(file): PDQ moved \(pdq) bits from golden")
            let phash = try #require(PerceptualHash.distance(entry.phash, expected.phash))
            #expect(phash <= 4, "\(file): pHash moved \(phash) bits from golden")
        }
        if GoldenManifests.regenerating { try GoldenManifests.save(current) }
    }

    @Test("pipeline hashes of small corpus images match the reference oracle (PDQ ≤ 10 bits, pHash ≤ 6)",
          .enabled(if: SharedCorpus.hasGolden, "../shared/reference/golden is absent"))
    func pipelineHashesNearReference() throws {
        let golden = try SharedCorpus.goldenImages().filter {
            $0.width <= 1080 && $0.pdqQuality >= 80 && $0.mode == "RGB" && !$0.file.contains("exif-rotn")
        }
        try #require(!golden.isEmpty, "no small RGB images in ../shared/reference/golden/images.csv")
        let pipeline = PhotoPipeline()
        for row in golden {
            let url = try #require(SharedCorpus.url(row.file))
            let hashes = try pipeline.hash(input: url)
            let pdq = try #require(PDQHash(hex: hashes.pdq))
            let distance = pdq.distance(to: try #require(PDQHash(hex: row.pdq)))
            #expect(distance <= 10, "\(row.file): PDQ distance \(distance)")
            let phashDistance = try #require(PerceptualHash.distance(hashes.phash, row.phash))
            #expect(phashDistance <= 6, "\(row.file): pHash distance \(phashDistance)")
        }
    }
}
