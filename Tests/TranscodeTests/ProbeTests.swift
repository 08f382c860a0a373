import Foundation
import Testing
import Thumbnail
import Transcode

extension TranscodeSuite {
    /// Probe facts and limits, all read before decoding.
    @Suite struct ProbeTests {
        @Test func landscapeWithAudio() throws {
            let probe = try VideoProber().probe(Fixtures.clip("landscape-audio.mp4"))
            #expect(probe.container == "mp4")
            #expect(probe.video.codec == "h264")
            #expect(probe.video.width == 320 && probe.video.height == 240)
            #expect(probe.video.displayWidth == 320 && probe.video.displayHeight == 240)
            #expect(probe.video.rotation == 0)
            #expect(probe.video.sampleAspectRatio == "1:1")
            #expect(abs(probe.video.frameRate - 30) < 0.01)
            #expect(!probe.video.isVariableFrameRate)
            #expect(abs(probe.durationMs - 2000) <= 100)
            #expect(probe.audio?.codec == "aac")
            #expect(probe.audio?.sampleRate == 44100)
            #expect(probe.streams.map(\.kind) == ["video", "audio"])
        }

        @Test func rotationComesFromTheDisplayMatrix() throws {
            let probe = try VideoProber().probe(Fixtures.clip("rotated-90.mp4"))
            #expect(probe.video.rotation == 90)
            #expect(probe.video.width == 1280 && probe.video.height == 720)
            #expect(probe.video.displayWidth == 720 && probe.video.displayHeight == 1280)
            #expect(!probe.hasAudio)
        }

        @Test(.enabled(if: Fixtures.corpus != nil, "../shared/corpus/video is absent"))
        func corpusClipIsVariableFrameRateAndUpsideDown() throws {
            let corpus = try #require(Fixtures.corpus)
            let probe = try VideoProber().probe(corpus.appendingPathComponent("mp_fire2.mp4"))
            #expect(probe.video.rotation == 180)
            #expect(probe.video.isVariableFrameRate)
            #expect(probe.hasAudio)
        }

        @Test func sampleAspectRatioWidensTheDisplay() throws {
            let probe = try VideoProber().probe(Fixtures.clip("anamorphic.mp4"))
            #expect(probe.video.sampleAspectRatio == "32:27")
            #expect(probe.video.width == 720 && probe.video.displayWidth == 853 && probe.video.displayHeight == 480)
        }

        @Test func eachLimitHasItsOwnCode() throws {
            let clip = try Fixtures.clip("landscape-audio.mp4")
            let base = VideoLimits.default
            var small = base
            small.maxBytes = 1000
            var short = base
            short.maxDurationMs = 1000
            var narrow = base
            narrow.maxLongSide = 300
            let cases: [(VideoLimits, TranscodeError.Code)] = [
                (small, .tooLarge), (short, .tooLong), (narrow, .tooManyPixels),
            ]
            for (limits, code) in cases {
                let error = try #require(throws: TranscodeError.self) { try VideoProber(limits: limits).probe(clip) }
                #expect(error.code == code)
                #expect(error.disposition.isPermanent)
            }
        }

        @Test func audioOnlyFileHasNoVideoStream() throws {
            let error = try #require(throws: TranscodeError.self) {
                try VideoProber().probe(Fixtures.clip("audio-only.m4a"))
            }
            #expect(error.code == .noVideoStream)
        }

        @Test func sniffingNamesTheContainerFamily() throws {
            #expect(MediaFormat.sniff(try Data(contentsOf: Fixtures.clip("landscape-audio.mp4"))) == .mp4)
            #expect(MediaFormat.sniff(try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("jobs/video.json"))) == nil)
        }

        @Test func theFormatTableDecidesWhatIsOpened() throws {
            let directory = try Fixtures.temporaryDirectory(named: "formats")
            defer { try? FileManager.default.removeItem(at: directory) }
            let avi = directory.appendingPathComponent("clip.avi")
            let status = try Fixtures.run("/usr/bin/ffmpeg", [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1",
                "-c:v", "mpeg4", "-f", "avi", avi.path,
            ])
            #expect(status == 0)
            #expect(try VideoProber().probe(avi).container == "avi")
            // An ftyp naming only a brand the table does not know: FFmpeg's mov demuxer would
            // take it, the table does not.
            let unknown = directory.appendingPathComponent("raw.cr3")
            try Data([0, 0, 0, 0x14] + Array("ftypcrx \u{0}\u{0}\u{0}\u{1}crx ".utf8) + [UInt8](repeating: 0, count: 4096))
                .write(to: unknown)
            let refused = try #require(throws: TranscodeError.self) { try VideoProber().probe(unknown) }
            #expect(refused.code == .unsupportedFormat && refused.disposition == .badInput)
            // A photo is not a video container.
            let png = directory.appendingPathComponent("image.png")
            try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)).write(to: png)
            #expect(throws: TranscodeError.self) { try VideoProber().probe(png) }
        }

        @Test func missingFileIsIOError() throws {
            let error = try #require(throws: TranscodeError.self) {
                try VideoProber().probe(URL(fileURLWithPath: "/nonexistent/clip.mp4"))
            }
            #expect(error.code == .io)
            #expect(!error.disposition.isPermanent)
        }
    }
}
