import Foundation
import Testing
import Thumbnail
@testable import Transcode

extension TranscodeSuite {
    /// Part A: the wrappers own and free what they allocate; bad bytes become typed errors.
    @Suite struct FFmpegWrapperTests {
        @Test("rung caps scale with the rung's pixels and the source's frame rate, as bits per pixel")
        func rateCapsScale() {
            #expect(Ladder.rateScale(width: 640, height: 360, shortSide: 360, frameRate: 30) == 1)
            #expect(Ladder.rateScale(width: 360, height: 640, shortSide: 360, frameRate: 30) == 1)
            #expect(Ladder.rateScale(width: 480, height: 360, shortSide: 360, frameRate: 30) == 0.75)
            #expect(abs(Ladder.rateScale(width: 1280, height: 720, shortSide: 720, frameRate: 10) - 1.0 / 3) < 1e-9)
            #expect(Ladder.rateScale(width: 1920, height: 1080, shortSide: 1080, frameRate: 60) == 2)
            // An unknown or absurd frame rate counts as 30.
            #expect(Ladder.rateScale(width: 640, height: 360, shortSide: 360, frameRate: 0) == 1)
            #expect(Ladder.rateScale(width: 640, height: 360, shortSide: 360, frameRate: 1000) == 1)
        }

        /// Open → decode → scale → encode (libx264) → MP4, many times; memory must stay flat.
        @Test func decodeEncodeLoopDoesNotLeak() throws {
            let clip = try Fixtures.clip("landscape-audio.mp4")
            let directory = try Fixtures.temporaryDirectory(named: "leak")
            defer { try? FileManager.default.removeItem(at: directory) }
            let output = directory.appendingPathComponent("loop.mp4").path

            for _ in 0..<4 { try transcodeOnce(clip, to: output) }
            let warm = MemoryProbe.liveHeapBytes()
            for _ in 0..<30 { try transcodeOnce(clip, to: output) }
            let growth = MemoryProbe.liveHeapBytes() - warm

            // Measured: 10–30 KB over 30 runs leak-free; leaking the codec contexts (no
            // avcodec_free_context) grows it by ~400 MB.
            #expect(growth < 512 * 1024, "live heap grew by \(growth) bytes over 30 runs")
            #expect(FileManager.default.fileExists(atPath: output))
        }

        /// The whole ladder (audio decode, resampling, FIFO and AAC; MP4 and HLS muxers) in a loop.
        ///
        /// Sampling is off: the poster goes through libvips, whose caches make resident memory
        /// wander by a few MB and would hide what this test looks for (the FFmpeg side).
        @Test func wholeLadderLoopDoesNotLeak() throws {
            let clip = try Fixtures.clip("landscape-audio.mp4")
            let directory = try Fixtures.temporaryDirectory(named: "pipeline-leak")
            defer { try? FileManager.default.removeItem(at: directory) }
            var preset = VideoPreset.default
            preset.sampling = nil
            let pipeline = VideoPipeline(preset: preset)
            for _ in 0..<4 { _ = try pipeline.process(input: clip, outputDirectory: directory) }
            let warm = MemoryProbe.liveHeapBytes()
            for _ in 0..<16 { _ = try pipeline.process(input: clip, outputDirectory: directory) }
            let growth = MemoryProbe.liveHeapBytes() - warm
            // Measured: 8–15 KB over 16 runs leak-free; never freeing the AVFrames grows it by ~170 MB.
            #expect(growth < 512 * 1024, "live heap grew by \(growth) bytes over 16 runs")
        }

        @Test func garbageBytesAreUnsupportedFormat() throws {
            let directory = try Fixtures.temporaryDirectory(named: "garbage")
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = directory.appendingPathComponent("garbage.mp4")
            var generator = SystemRandomNumberGenerator()
            try Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: url)

            let error = try #require(throws: TranscodeError.self) { try transcodeOnce(url, to: url.path + ".out.mp4") }
            #expect(error.code == .unsupportedFormat)
            #expect(error.disposition.isPermanent)
        }

        @Test func truncatedMP4IsCorruptWithFFmpegText() throws {
            let directory = try Fixtures.temporaryDirectory(named: "truncated")
            defer { try? FileManager.default.removeItem(at: directory) }
            let whole = try Data(contentsOf: Fixtures.clip("moov-at-end.mp4"))
            let url = directory.appendingPathComponent("truncated.mp4")
            try whole.prefix(whole.count / 2).write(to: url)

            let error = try #require(throws: TranscodeError.self) { try transcodeOnce(url, to: url.path + ".out.mp4") }
            #expect(error.code == .corrupt)
            #expect(error.disposition.isPermanent)
            let cause = try #require(error.cause)
            #expect(cause.code < 0)
            #expect(cause.message == "Invalid data found when processing input")
            #expect(error.message.contains(url.path))
            #expect(TranscodeLog.recentLines().contains { $0.contains("moov atom not found") })
        }

        /// Damage inside the media data: either tolerated (FFmpeg conceals) or a bad-input error.
        @Test(arguments: Array(UInt64(1)...8))
        func damagedBytesNeverCrashOrLookInternal(seed: UInt64) throws {
            var whole = [UInt8](try Data(contentsOf: Fixtures.clip("landscape-audio.mp4")))
            var random = SeededGenerator(state: seed)
            // Leave the first 4 KB (ftyp, most of moov) alone so the damage reaches the decoders.
            for _ in 0..<200 {
                whole[Int.random(in: 4096..<whole.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let directory = try Fixtures.temporaryDirectory(named: "damaged")
            defer { try? FileManager.default.removeItem(at: directory) }
            let input = directory.appendingPathComponent("damaged.mp4")
            try Data(whole).write(to: input)
            do {
                _ = try VideoPipeline().process(input: input, outputDirectory: directory.appendingPathComponent("out"))
            } catch {
                #expect(error.disposition.isPermanent, "\(error)")
            }
        }

        @Test func errorCodesPrintSnakeCase() {
            #expect(TranscodeError.Code.unsupportedFormat.description == "unsupported_format")
            #expect(TranscodeError.Code.tooManyPixels.description == "too_many_pixels")
            #expect(TranscodeError.Code.noVideoStream.description == "no_video_stream")
            #expect(!TranscodeError.Code.internal.disposition.isPermanent)
            #expect(!TranscodeError.Code.cancelled.disposition.isPermanent)
        }

        /// One single-rung transcode built straight from the wrappers (no audio, 160x120).
        private func transcodeOnce(_ input: URL, to output: String) throws(TranscodeError) {
            let source = try OpenedSource(url: input, limits: .default, decoderCountsDuration: true)
            let reader = try SourceReader(source: source, withAudio: false)
            let writer = try RungWriter(
                path: output,
                settings: .init(width: 320, height: 240, speedPreset: "ultrafast", maxrate: 400_000, bufsize: 800_000),
                rotation: FrameRotation(clockwiseDegrees: 0),
                reader: reader,
                audio: nil)
            try reader.run(checkpoint: {}, video: { frame throws(TranscodeError) in try writer.encode(frame) }, audio: { _ in })
            try writer.finish()
        }
    }
}

/// A small deterministic generator (SplitMix64) so damaged-file tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
