import Foundation
@testable import Thumbnail

/// Locates `../shared` (corpus and reference hashes) next to the repository, found from this
/// file's path. Tests that need it carry `.enabled(if: SharedCorpus.isPresent)`, so they show as
/// skipped when it is absent (`scripts/test` refuses to run without it unless `--without-corpus`).
enum SharedCorpus {
    /// `<repo>/../shared`, or nil when not present.
    static let root: URL? = {
        let repo = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = repo.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: shared.appendingPathComponent("corpus").path) ? shared : nil
    }()

    static var isPresent: Bool { root != nil }

    /// Whether the reference oracle's golden hashes are there.
    static var hasGolden: Bool { url("reference/golden/images.csv") != nil }

    /// A file under `shared/`, e.g. `corpus/images/th_cmyk-icc.jpg`.
    static func url(_ relative: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// One row of `reference/golden/images.csv`.
    struct GoldenImage {
        let file: String
        let width: Int
        let height: Int
        let mode: String
        let pdq: String
        let pdqQuality: Int
        let phash: String
    }

    /// The golden hashes from the reference oracle.
    static func goldenImages() throws -> [GoldenImage] {
        guard let url = url("reference/golden/images.csv") else { return [] }
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        return lines.compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 9, let w = Int(f[1]), let h = Int(f[2]), let q = Int(f[5]) else { return nil }
            return GoldenImage(file: f[0], width: w, height: h, mode: f[3], pdq: f[4], pdqQuality: q, phash: f[8])
        }
    }

    /// Decoded pixels exactly as stored (no rotation, no colour management, alpha kept).
    static func referencePixels(_ url: URL) throws -> (pixels: [UInt8], width: Int, height: Int, bands: Int) {
        let data = try Data(contentsOf: url)
        guard let format = ImageFormat.sniff(data) else { throw ThumbnailError(.unsupportedFormat, url.path) }
        let image = try VipsImage.load(SourceBytes(data), format: format, input: url.lastPathComponent)
        let pixels = try image.pixels(input: url.lastPathComponent)
        return (pixels, image.width, image.height, image.bands)
    }
}
