import Foundation
import Testing
import Thumbnail
import Transcode

extension TranscodeSuite {
    @Suite struct PresetTests {
        @Test func jobsFileMatchesTheBuiltInDefault() throws {
            let preset = try VideoPreset.load(from: Fixtures.repositoryRoot.appendingPathComponent("jobs/video.json"))
            #expect(preset == VideoPreset.default)
            #expect(preset.name == "video" && preset.version == 3)
            #expect(preset.rungs.map(\.shortSide) == [360, 720, 1080])
        }

        @Test func inconsistentPresetIsRejected() throws {
            var preset = VideoPreset.default
            preset.rungs.reverse()
            let error = try #require(throws: TranscodeError.self) { try preset.validate() }
            #expect(error.code == .invalidPreset)
            #expect(error.disposition == .configuration)
            var effort = VideoPreset.default
            effort.sampling?.posterWebPEffort = 7
            #expect(throws: TranscodeError.self) { try effort.validate() }
        }

        @Test func encoderCheckOpensEveryEncoderWithThePresetsOptions() throws {
            var misspelt = VideoPreset.default
            misspelt.video.options = ["crff": "18"]
            let option = try #require(throws: TranscodeError.self) { try misspelt.checkEncoders() }
            #expect(option.code == .invalidPreset && option.disposition == .configuration)
            #expect(option.message.contains("crff"))
            var speed = VideoPreset.default
            speed.video.speedPreset = "warp-speed"
            #expect(throws: TranscodeError.self) { try speed.checkEncoders() }
            var audio = VideoPreset.default
            audio.audio.encoder = "no-such-encoder"
            let missing = try #require(throws: TranscodeError.self) { try audio.checkEncoders() }
            #expect(missing.code == .invalidPreset && missing.message.contains("no-such-encoder"))
            // The shipped preset opens: the check refuses only what the encoders refuse.
            var shipped: TranscodeError?
            do { try VideoPreset.default.checkEncoders() } catch { shipped = error }
            #expect(shipped == nil)
        }

        @Test func optionalPartsMayBeLeftOut() throws {
            let json = """
                {"name": "small", "version": 3,
                 "limits": {"max_bytes": 1000000, "max_duration_ms": 10000, "max_long_side": 1280, "max_short_side": 720},
                 "video": {"encoder": "libx264", "speed_preset": "fast", "profile": "main", "crf": 26, "gop_seconds": 2},
                 "audio": {"encoder": "aac", "bitrate": 96000, "channels": 2, "sample_rate": 44100},
                 "rungs": [{"name": "360", "short_side": 360, "maxrate": 800000, "bufsize": 1600000}]}
                """
            let preset = try JSONDecoder().decode(VideoPreset.self, from: Data(json.utf8))
            try preset.validate()
            #expect(preset.video.options.isEmpty && preset.hls == nil && preset.sampling == nil)
        }

        @Test func roundTripsThroughJSON() throws {
            let data = try JSONEncoder().encode(VideoPreset.default)
            let text = try #require(String(data: data, encoding: .utf8))
            #expect(text.contains("\"short_side\""))
            #expect(try JSONDecoder().decode(VideoPreset.self, from: data) == VideoPreset.default)
        }
    }
}
