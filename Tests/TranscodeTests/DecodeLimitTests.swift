import Foundation
import Testing
import Thumbnail
import Transcode

extension TranscodeSuite {
    /// Limits that the headers cannot be trusted with: a missing duration, a stretched or
    /// changing picture size, a codec we do not decode, a file cut short. Every input is made
    /// here with the ffmpeg CLI.
    @Suite struct DecodeLimitTests {
        private static func ffmpeg(_ arguments: [String]) throws {
            let status = try Fixtures.run("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y"] + arguments)
            try #require(status == 0, "ffmpeg \(arguments)")
        }

        private static func preset(_ change: (inout VideoLimits) -> Void) -> VideoPreset {
            var preset = VideoPreset.default
            change(&preset.limits)
            return preset
        }

        /// `seconds` of 160x120 at 10 fps in Matroska with the segment's Duration element blanked
        /// (turned into a Void element of the same size): no duration anywhere in the headers.
        private static func matroskaWithoutDuration(in directory: URL, seconds: Int = 30) throws -> URL {
            let muxed = directory.appendingPathComponent("muxed.mkv")
            try ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "\(seconds)", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "matroska", muxed.path,
            ])
            var bytes = [UInt8](try Data(contentsOf: muxed))
            let info = try #require(firstIndex(of: [0x15, 0x49, 0xA9, 0x66], in: bytes, from: 0), "no Info element")
            // Duration: ID 0x4489, size 8 (0x88), an 8-byte float; Void: ID 0xEC, size 9 (0x89).
            let duration = try #require(firstIndex(of: [0x44, 0x89, 0x88], in: bytes, from: info), "no Duration element")
            bytes.replaceSubrange(duration..<duration + 11, with: [0xEC, 0x89] + [UInt8](repeating: 0, count: 9))
            let stripped = directory.appendingPathComponent("no-duration.mkv")
            try Data(bytes).write(to: stripped)
            return stripped
        }

        private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
            guard bytes.count >= needle.count else { return nil }
            return (start...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle }
        }

        @Test func unknownDurationIsRefusedByTheProbeAndCountedByTheDecoder() throws {
            let directory = try Fixtures.temporaryDirectory(named: "no-duration")
            defer { try? FileManager.default.removeItem(at: directory) }
            let input = try Self.matroskaWithoutDuration(in: directory)
            // ffprobe agrees the headers declare nothing (the probe is not trusted to say so).
            let report = try Fixtures.capture("/usr/bin/ffprobe", [
                "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", input.path,
            ])
            #expect(String(decoding: report.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "N/A")

            let probed = try #require(throws: TranscodeError.self) { try VideoProber().probe(input) }
            #expect(probed.code == .tooLong)

            // 2 s allowed of 30 s (300 packets): decoding stops near packet 20, not at the end.
            let pipeline = VideoPipeline(preset: Self.preset { $0.maxDurationMs = 2000 })
            var packets = 0
            let decoded = try #require(throws: TranscodeError.self) {
                try pipeline.hash(input: input, isCancelled: {
                    packets += 1
                    return false
                })
            }
            #expect(decoded.code == .tooLong)
            #expect(packets > 10 && packets < 100, "\(packets) packets read")
        }

        @Test func theCodedSizeIsJudgedNotTheDisplayedOne() throws {
            let directory = try Fixtures.temporaryDirectory(named: "sar")
            defer { try? FileManager.default.removeItem(at: directory) }
            let limits = VideoLimits(maxBytes: 10_000_000, maxDurationMs: 10_000, maxLongSide: 400, maxShortSide: 400)
            // Stored 640x360, shown 160x360: the decoder allocates 640 wide.
            let squeezed = directory.appendingPathComponent("squeezed.mp4")
            try Self.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=10,setsar=1/4", "-t", "1", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", squeezed.path,
            ])
            let refused = try #require(throws: TranscodeError.self) { try VideoProber(limits: limits).probe(squeezed) }
            #expect(refused.code == .tooManyPixels)
            // Stored 320x240, shown 1280x240: within the limits.
            let stretched = directory.appendingPathComponent("stretched.mp4")
            try Self.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10,setsar=4/1", "-t", "1", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", stretched.path,
            ])
            let probe = try VideoProber(limits: limits).probe(stretched)
            #expect(probe.video.width == 320 && probe.video.displayWidth == 1280)
        }

        /// 320x240 declared 100:1 would be encoded 32000 pixels wide: refused before decoding,
        /// as a lie about the picture, not an over-limit one (its stored size is within limits).
        @Test func anExtremeSampleAspectRatioIsUnsupported() throws {
            let directory = try Fixtures.temporaryDirectory(named: "sar-extreme")
            defer { try? FileManager.default.removeItem(at: directory) }
            for (sar, name) in [("100/1", "wide.mp4"), ("1/100", "narrow.mp4")] {
                let input = directory.appendingPathComponent(name)
                try Self.ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10,setsar=\(sar)", "-t", "1", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", input.path,
                ])
                let error = try #require(throws: TranscodeError.self) { try VideoProber().probe(input) }
                #expect(error.code == .unsupportedFormat && error.disposition == .badInput, "\(sar): \(error)")
                let processed = try #require(throws: TranscodeError.self) {
                    try VideoPipeline().process(input: input, outputDirectory: directory.appendingPathComponent("out-\(name)"))
                }
                #expect(processed.code == .unsupportedFormat)
            }
        }

        /// A file whose headers declare no duration records what was decoded (3 s at 10 fps:
        /// first to last frame is 2.9 s, plus the last frame's 0.1 s), not 0, and its bit rates
        /// are spread over that time.
        @Test func noDeclaredDurationRecordsTheDecodedOne() throws {
            let directory = try Fixtures.temporaryDirectory(named: "decoded-duration")
            defer { try? FileManager.default.removeItem(at: directory) }
            let input = try Self.matroskaWithoutDuration(in: directory, seconds: 3)
            let manifest = try VideoPipeline().process(input: input, outputDirectory: directory.appendingPathComponent("out"))
            #expect(abs(manifest.input.durationMs - 3000) <= 100, "\(manifest.input.durationMs)")
            let rendition = try #require(manifest.renditions.first)
            let bits = Double(rendition.bytes * 8)
            // The video is nearly all of the file: its rate is within a factor of 2 of bytes/3 s.
            #expect(Double(rendition.videoBitrate) > bits / 3 / 2 && Double(rendition.videoBitrate) < bits / 3 * 2, "\(rendition)")
        }

        @Test func aPictureGrowingMidStreamIsRefused() throws {
            let directory = try Fixtures.temporaryDirectory(named: "sps-change")
            defer { try? FileManager.default.removeItem(at: directory) }
            var stream = Data()
            for (index, size) in ["320x240", "640x480"].enumerated() {
                let part = directory.appendingPathComponent("part\(index).h264")
                try Self.ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=10", "-t", "1", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "h264", part.path,
                ])
                stream.append(try Data(contentsOf: part))
            }
            let elementary = directory.appendingPathComponent("both.h264")
            try stream.write(to: elementary)
            let input = directory.appendingPathComponent("grows.ts")
            try Self.ffmpeg(["-f", "h264", "-r", "10", "-i", elementary.path, "-c", "copy", "-f", "mpegts", input.path])

            let pipeline = VideoPipeline(preset: Self.preset {
                $0.maxLongSide = 400
                $0.maxShortSide = 300
            })
            // The headers describe the first part only.
            let probe = try VideoProber(limits: pipeline.preset.limits).probe(input)
            #expect(probe.video.width == 320 && probe.video.height == 240)
            let error = try #require(throws: TranscodeError.self) { try pipeline.hash(input: input) }
            #expect(error.code == .tooManyPixels, "\(error)")
        }

        @Test func aCodecOffTheListIsUnsupported() throws {
            let directory = try Fixtures.temporaryDirectory(named: "ffv1")
            defer { try? FileManager.default.removeItem(at: directory) }
            let input = directory.appendingPathComponent("lossless.mkv")
            try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1", "-c:v", "ffv1", input.path])
            let error = try #require(throws: TranscodeError.self) { try VideoProber().probe(input) }
            #expect(error.code == .unsupportedFormat && error.disposition == .badInput)
        }

        @Test func aMatroskaFileCutShortIsCorruptButLongAudioIsNot() throws {
            let directory = try Fixtures.temporaryDirectory(named: "mkv-cut")
            defer { try? FileManager.default.removeItem(at: directory) }
            let full = directory.appendingPathComponent("full.mkv")
            try Self.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-f", "lavfi", "-i", "sine=frequency=440",
                "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", full.path,
            ])
            let bytes = try Data(contentsOf: full)
            let cut = directory.appendingPathComponent("cut.mkv")
            try bytes.prefix(bytes.count / 3).write(to: cut)
            let error = try #require(throws: TranscodeError.self) {
                try VideoPipeline().process(input: cut, outputDirectory: directory.appendingPathComponent("out-cut"))
            }
            #expect(error.code == .corrupt, "\(error)")

            // 2 s of pictures over 6 s of sound: the container's 6 s is the audio's.
            let longAudio = directory.appendingPathComponent("long-audio.mkv")
            try Self.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i",
                "sine=frequency=440:duration=6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", longAudio.path,
            ])
            let manifest = try VideoPipeline().process(input: longAudio, outputDirectory: directory.appendingPathComponent("out-audio"))
            #expect(manifest.input.hasAudio)
            #expect(manifest.input.durationMs > 5000)
        }
    }
}
