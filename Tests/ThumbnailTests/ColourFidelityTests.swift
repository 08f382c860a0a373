import Foundation
import Testing
@testable import Thumbnail

/// CMYK and wide-gamut inputs keep their colours: our renditions against a colour-managed
/// libvips render of the same input.
@Suite("colour fidelity")
struct ColourFidelityTests {
    @Test("CIEDE2000 matches the published test pairs")
    func ciede2000Vectors() {
        // Pairs 1, 2, 7 and 25 of Sharma, Wu and Dalal's test data (ΔE00 to 4 decimals).
        let pairs: [(ColourDifference.Lab, ColourDifference.Lab, Double)] = [
            (.init(l: 50, a: 2.6772, b: -79.7751), .init(l: 50, a: 0, b: -82.7485), 2.0425),
            (.init(l: 50, a: 3.1571, b: -77.2803), .init(l: 50, a: 0, b: -82.7485), 2.8615),
            (.init(l: 50, a: 0, b: 0), .init(l: 50, a: -1, b: 2), 2.3669),
            (.init(l: 60.2574, a: -34.0099, b: 36.2677), .init(l: 60.4626, a: -34.1751, b: 39.4387), 1.2644),
        ]
        for (first, second, expected) in pairs {
            let forward = ColourDifference.ciede2000(first, second)
            #expect(abs(forward - expected) < 0.00005, "\(first) vs \(second): \(forward)")
            #expect(abs(ColourDifference.ciede2000(second, first) - forward) < 1e-9)
        }
        let white = ColourDifference.lab(r: 255, g: 255, b: 255)
        #expect(abs(white.l - 100) < 0.01 && abs(white.a) < 0.01 && abs(white.b) < 0.01)
        #expect(ColourDifference.ciede2000(white, ColourDifference.lab(r: 0, g: 0, b: 0)) > 99)
    }

    @Test("CMYK and non-sRGB profiled corpus inputs render within mean ΔE00 5 of libvips' colour-managed render",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"),
          .enabled(if: Self.vipsCommand() != nil, "the vips command (libvips-tools) is not on PATH"))
    func profiledInputsKeepColours() throws {
        let vips = try #require(Self.vipsCommand())
        let limits = PhotoPreset.photo.limits
        var checked = 0
        var checkedCMYK = false
        for folder in ["corpus/images", "corpus/formats"] {
            guard let directory = SharedCorpus.url(folder) else { continue }
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            for file in files {
                let url = directory.appendingPathComponent(file)
                guard let probe = try? ImageProbe.open(Data(contentsOf: url), limits: limits, name: file).0,
                    probe.isCMYK || (probe.hasICCProfile && !probe.hasSRGBProfile)
                else { continue }
                let work = FileManager.default.temporaryDirectory.appendingPathComponent("colour-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: work) }
                let manifest = try PhotoPipeline().process(input: url, outputDirectory: work)
                for rendition in manifest.renditions where rendition.name == "1080" {
                    let ours = try Self.decode(work.appendingPathComponent(rendition.path))
                    let reference = try Self.referenceRender(
                        vips, input: url, width: ours.width, height: ours.height, work: work)
                    try #require(
                        reference.width == ours.width && reference.height == ours.height,
                        "\(file): reference is \(reference.width)×\(reference.height), ours \(ours.width)×\(ours.height)")
                    let mean = ColourDifference.meanCIEDE2000(
                        ours.pixels, bands: ours.bands, reference.pixels, bands: reference.bands,
                        pixels: ours.width * ours.height)
                    print("\(file) → \(rendition.path): mean ΔE00 \(String(format: "%.2f", mean))")
                    #expect(mean <= 5, "\(file) → \(rendition.path): mean ΔE00 \(mean)")
                    checked += 1
                    checkedCMYK = checkedCMYK || probe.isCMYK
                }
            }
        }
        // The corpus holds a profiled CMYK JPEG and RGB inputs with wide-gamut profiles.
        #expect(checkedCMYK, "no CMYK input found in the corpus")
        #expect(checked >= 2, "only \(checked) profiled renditions found in the corpus")
    }

    /// The `vips` command, found on PATH.
    static func vipsCommand() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("vips") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// libvips' colour-managed render: the full input through its embedded profile (or the
    /// CMYK fallback) to sRGB, rotated upright, then resized to exactly `width`×`height`.
    static func referenceRender(
        _ vips: URL, input: URL, width: Int, height: Int, work: URL
    ) throws -> (pixels: [UInt8], width: Int, height: Int, bands: Int) {
        let transformed = work.appendingPathComponent("reference-srgb.v").path
        let upright = work.appendingPathComponent("reference-upright.v").path
        let resized = work.appendingPathComponent("reference.png")
        try run(vips, ["icc_transform", input.path, transformed, "srgb", "--embedded"])
        try run(vips, ["autorot", transformed, upright])
        try run(vips, ["thumbnail_image", upright, resized.path, "\(width)", "--height", "\(height)", "--size", "force"])
        return try decode(resized)
    }

    /// Packed pixels of an image file as stored (no colour management).
    static func decode(_ url: URL) throws -> (pixels: [UInt8], width: Int, height: Int, bands: Int) {
        try SharedCorpus.referencePixels(url)
    }

    private static func run(_ executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ThumbnailError(
                .io, "vips \(arguments.joined(separator: " ")) failed", cause: String(decoding: message, as: UTF8.self))
        }
    }
}
