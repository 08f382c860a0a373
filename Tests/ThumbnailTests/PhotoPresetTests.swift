import Foundation
import Testing
@testable import Thumbnail

@Suite("photo preset")
struct PhotoPresetTests {
    private static let jobs = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("jobs")

    @Test("jobs/photo.json is the built-in photo preset")
    func photo() throws {
        let preset = try PhotoPreset.load(contentsOf: Self.jobs.appendingPathComponent("photo.json"))
        #expect(preset == PhotoPreset.photo)
        #expect(preset.name == "photo" && preset.version == 1)
        #expect(preset.renditions.map(\.name) == ["150", "640", "1080"])
        #expect(preset.outputs.map(\.format) == [.jpeg, .webp])
        #expect(preset.limits == .default)
        #expect(preset.hashes)
    }

    @Test("jobs/bench-jpeg.json: the same sizes, baseline JPEG q85 only (what the peers write)")
    func bench() throws {
        let preset = try PhotoPreset.load(contentsOf: Self.jobs.appendingPathComponent("bench-jpeg.json"))
        #expect(preset.name == "bench-jpeg")
        #expect(preset.renditions == PhotoPreset.photo.renditions)
        #expect(preset.outputs == [PhotoPreset.Output(format: .jpeg, quality: 85, progressive: false)])
        #expect(!preset.hashes, "the peers compute no hashes")
    }

    @Test("invalid presets are refused as invalid_preset")
    func invalid() throws {
        let cases = [
            #"{"name":"x","version":1,"renditions":[],"outputs":[{"format":"jpeg","quality":85}]}"#,
            #"{"name":"x","version":1,"renditions":[{"name":"a","width":10,"crop":true}],"outputs":[{"format":"jpeg","quality":85}]}"#,
            #"{"name":"x","version":1,"renditions":[{"name":"a","width":10}],"outputs":[{"format":"gif","quality":85}]}"#,
            #"{"name":"x","version":1,"renditions":[{"name":"../a","width":10}],"outputs":[{"format":"jpeg","quality":85}]}"#,
            #"{"name":"x","version":0,"renditions":[{"name":"a","width":10}],"outputs":[{"format":"jpeg","quality":85}]}"#,
            #"{"name":"x","version":1,"renditions":[{"name":"a","width":10}],"outputs":[{"format":"webp","quality":80,"effort":7}]}"#,
        ]
        for text in cases {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("preset-\(UUID().uuidString).json")
            try Data(text.utf8).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let error = try #require(throws: ThumbnailError.self) { try PhotoPreset.load(contentsOf: url) }
            #expect(error.code == .invalidPreset, "\(text)")
        }
    }
}
