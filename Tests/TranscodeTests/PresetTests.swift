import Foundation
import Testing
import Transcode

extension TranscodeSuite {
    @Suite struct PresetTests {
        @Test func jobsFileMatchesTheBuiltInDefault() throws {
            let preset = try VideoPreset.load(from: Fixtures.repositoryRoot.appendingPathComponent("jobs/video.json"))
            #expect(preset == VideoPreset.default)
            #expect(preset.name == "video" && preset.version == 1)
            #expect(preset.rungs.map(\.shortSide) == [360, 720, 1080])
        }

        @Test func inconsistentPresetIsRejected() throws {
            var preset = VideoPreset.default
            preset.rungs.reverse()
            let error = try #require(throws: TranscodeError.self) { try preset.validate() }
            #expect(error.code == .invalidPreset)
            #expect(!error.isBadInput)
        }

        @Test func roundTripsThroughJSON() throws {
            let data = try JSONEncoder().encode(VideoPreset.default)
            let text = try #require(String(data: data, encoding: .utf8))
            #expect(text.contains("\"short_side\""))
            #expect(try JSONDecoder().decode(VideoPreset.self, from: data) == VideoPreset.default)
        }
    }
}
