import Foundation
@testable import Thumbnail

/// Expected pipeline outputs for corpus inputs, stored in `fixtures/photo-golden.json`:
/// rendition sizes exactly, hashes within a distance. Regenerate with `UPDATE_GOLDEN=1 swift
/// test --filter corpusGolden` and review the diff.
enum GoldenManifests {
    /// What is pinned per input.
    struct Entry: Codable, Equatable {
        /// "name.ext WxH" per rendition, in manifest order.
        var sizes: [String]
        var pdq: String
        var pdqQuality: Int
        var phash: String

        init(_ manifest: PhotoManifest) {
            sizes = manifest.renditions.map { "\($0.path) \($0.width)x\($0.height)" }
            pdq = manifest.hashes?.pdq ?? ""
            pdqQuality = manifest.hashes?.pdqQuality ?? -1
            phash = manifest.hashes?.phash ?? ""
        }
    }

    static var regenerating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static let url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/photo-golden.json")

    static func load() throws -> [String: Entry] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        return try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: url))
    }

    static func save(_ entries: [String: Entry]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(entries).write(to: url, options: .atomic)
    }
}
