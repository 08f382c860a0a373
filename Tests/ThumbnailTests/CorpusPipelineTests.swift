import Foundation
import Testing
@testable import Thumbnail

/// The pipeline end to end over the shared corpus (skipped, saying so, when absent).
@Suite("photo pipeline on the shared corpus")
struct CorpusPipelineTests {
    @Test("every corpus photo processes into clean renditions no larger than asked", arguments: [
        "corpus/images/ia_book-beside-flowers.jpg", "corpus/images/ia_craft-beer.jpg", "corpus/images/ia_empty_gps.jpg",
        "corpus/images/ia_prairie_falcon.jpg", "corpus/images/lv_sample.png", "corpus/images/lv_ultra-hdr.jpg",
        "corpus/images/pl_xmp_test.jpg", "corpus/images/th_giunchedi.png", "corpus/formats/pl_icc_profile_big.jpg",
        "corpus/formats/ia_denali.webp",
    ])
    func corpusPhoto(file: String) throws {
        guard let url = SharedCorpus.url(file) else {
            print("skipped: ../shared/\(file) not present")
            return
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let manifest = try PhotoPipeline().process(input: url, outputDirectory: out)
        #expect(manifest.renditions.count == 6)
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
        #expect(manifest.hashes.pdqQuality >= 50, "\(file)")
    }

    @Test("pipeline hashes of small corpus images match the reference oracle (PDQ ≤ 10 bits, pHash ≤ 6)")
    func pipelineHashesNearReference() throws {
        let golden = try SharedCorpus.goldenImages().filter {
            $0.width <= 1080 && $0.pdqQuality >= 80 && $0.mode == "RGB" && !$0.file.contains("exif-rotn")
        }
        guard !golden.isEmpty else {
            print("skipped: ../shared/reference/golden not present")
            return
        }
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
