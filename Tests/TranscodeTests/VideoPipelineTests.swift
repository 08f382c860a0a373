import Foundation
import Synchronization
import Testing
import Thumbnail
import Transcode

extension TranscodeSuite {
    /// The ladder end to end, checked with ffprobe/ffmpeg rather than with our own code.
    @Suite struct VideoPipelineTests {
        /// Processes `input` into a fresh directory; the directory is returned for inspection.
        private func process(_ input: URL, preset: VideoPreset = .default) throws -> (VideoManifest, URL) {
            let directory = try Fixtures.temporaryDirectory(named: "ladder")
            let manifest = try VideoPipeline(preset: preset).process(input: input, outputDirectory: directory)
            return (manifest, directory)
        }

        /// What every rendition must satisfy, whatever the source.
        private func checkRenditions(_ manifest: VideoManifest, in directory: URL, sourceDurationMs: Int) throws {
            for rendition in manifest.renditions {
                let url = directory.appendingPathComponent(rendition.path)
                let report = try MediaInspector.probe(url)
                let video = try #require(report.video)
                #expect(video.codec_name == "h264")
                #expect(video.width == rendition.width && video.height == rendition.height)
                #expect(rendition.width % 2 == 0 && rendition.height % 2 == 0)
                #expect(abs(report.durationMs - sourceDurationMs) <= 100, "\(rendition.name): \(report.durationMs) ms")
                #expect(report.hasAudio == manifest.input.hasAudio)
                if let audio = report.streams.first(where: { $0.codec_type == "audio" }) {
                    #expect(audio.codec_name == "aac" && audio.channels == 2 && audio.sample_rate == "48000")
                }
                #expect(video.sample_aspect_ratio == nil || video.sample_aspect_ratio == "1:1")
                #expect(video.side_data_list == nil, "rotation must be applied to pixels, not signalled")
                let boxes = try MediaInspector.topLevelBoxes(url)
                let moov = try #require(boxes.firstIndex(of: "moov"))
                let mdat = try #require(boxes.firstIndex(of: "mdat"))
                #expect(moov < mdat, "faststart: \(boxes)")
                let tags = report.format.tags ?? [:]
                #expect(tags["encoder"] == nil && tags["location"] == nil && tags["creation_time"] == nil)
                #expect(rendition.bytes == (try Data(contentsOf: url)).count)
                #expect(rendition.videoBitrate > 0)
                #expect((rendition.audioBitrate > 0) == manifest.input.hasAudio)
            }
        }

        @Test func smallLandscapeWithAudioGetsOneRungAtItsOwnSize() throws {
            let (manifest, directory) = try process(Fixtures.clip("landscape-audio.mp4"))
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(manifest.kind == "video")
            #expect(manifest.preset == .init(name: "video", version: 3))
            #expect(manifest.input.hasAudio && manifest.input.rotation == 0)
            #expect(manifest.input.sha256.count == 64)
            #expect(manifest.renditions.map(\.name) == ["360"])
            #expect(manifest.renditions.map { [$0.width, $0.height] } == [[320, 240]])
            try checkRenditions(manifest, in: directory, sourceDurationMs: manifest.input.durationMs)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(leftovers.sorted() == ["360.mp4", "hls", "poster"])
        }

        @Test func portraitIsMeasuredByItsShortSide() throws {
            let (manifest, directory) = try process(Fixtures.clip("portrait-silent.mp4"))
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(!manifest.input.hasAudio)
            #expect(manifest.renditions.map { [$0.width, $0.height] } == [[360, 640]])
            try checkRenditions(manifest, in: directory, sourceDurationMs: manifest.input.durationMs)
        }

        @Test func anamorphicPixelsBecomeSquare() throws {
            let (manifest, directory) = try process(Fixtures.clip("anamorphic.mp4"))
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(manifest.renditions.map { [$0.width, $0.height] } == [[640, 360]])
            try checkRenditions(manifest, in: directory, sourceDurationMs: manifest.input.durationMs)
        }

        @Test func transportStreamWithAudioChangeStartsAtZero() throws {
            let (manifest, directory) = try process(Fixtures.clip("audio-change.ts"))
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(manifest.input.format == "mpegts" && manifest.input.hasAudio)
            let report = try MediaInspector.probe(directory.appendingPathComponent("360.mp4"))
            let audio = try #require(report.streams.first { $0.codec_type == "audio" })
            #expect(audio.channels == 2 && audio.sample_rate == "48000")
            // Source timestamps start at 1.4 s; the rendition must not keep that gap.
            #expect(abs(report.durationMs - 2000) <= 150, "\(report.durationMs) ms")
        }

        @Test func rotationIsAppliedToThePixels() throws {
            let source = try Fixtures.clip("rotated-90.mp4")
            let (manifest, directory) = try process(source)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(manifest.input.rotation == 90)
            #expect(manifest.input.width == 1280 && manifest.input.height == 720)
            #expect(manifest.renditions.map { [$0.width, $0.height] } == [[360, 640], [720, 1280]])
            try checkRenditions(manifest, in: directory, sourceDurationMs: manifest.input.durationMs)
            try expectSamePicture(source, directory.appendingPathComponent("360.mp4"))
        }

        @Test(.enabled(if: Fixtures.corpus != nil, "../shared/corpus/video is absent"))
        func upsideDownPhoneClipFromTheCorpus() throws {
            let source = try #require(Fixtures.corpus).appendingPathComponent("mp_fire2.mp4")
            let (manifest, directory) = try process(source)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(manifest.input.rotation == 180)
            #expect(manifest.input.hasAudio)
            #expect(manifest.renditions.map { [$0.width, $0.height] } == [[640, 360], [1280, 720]])
            try checkRenditions(manifest, in: directory, sourceDurationMs: manifest.input.durationMs)
            try expectSamePicture(source, directory.appendingPathComponent("360.mp4"))
        }

        @Test func hlsMasterAndMediaPlaylistsDescribeTheLadder() throws {
            let (manifest, directory) = try process(Fixtures.clip("landscape-audio.mp4"))
            defer { try? FileManager.default.removeItem(at: directory) }
            let hls = try #require(manifest.hls)
            #expect(hls == "hls/master.m3u8")
            let master = directory.appendingPathComponent(hls)
            let text = try String(contentsOf: master, encoding: .utf8)
            let level = try #require(MediaInspector.probe(directory.appendingPathComponent("360.mp4")).video?.level)
            let levelHex = String(level, radix: 16)
            #expect(text.hasPrefix("#EXTM3U\n"))
            #expect(text.contains("RESOLUTION=320x240"))
            #expect(text.contains("CODECS=\"avc1.6400\(level < 16 ? "0" : "")\(levelHex),mp4a.40.2\""), "\(text)")
            #expect(text.components(separatedBy: "#EXT-X-STREAM-INF:").count - 1 == manifest.renditions.count)

            let media = try String(contentsOf: directory.appendingPathComponent("hls/360.m3u8"), encoding: .utf8)
            #expect(media.contains("#EXT-X-PLAYLIST-TYPE:VOD") && media.hasSuffix("#EXT-X-ENDLIST\n"))
            #expect(media.contains("#EXT-X-MAP:URI=\"360_init.mp4\""))
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("hls/360_init.mp4").path))

            // ffprobe plays the whole thing through the master playlist.
            let report = try MediaInspector.probe(master)
            #expect(report.video?.codec_name == "h264")
            #expect(report.hasAudio)
            #expect(abs(report.durationMs - manifest.input.durationMs) <= 100)
        }

        @Test func presetWithoutHLSWritesMP4Only() throws {
            var preset = VideoPreset.default
            preset.hls = nil
            let (manifest, directory) = try process(Fixtures.clip("portrait-silent.mp4"), preset: preset)
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(manifest.hls == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["360.mp4", "poster"])
        }

        /// Two jobs on two threads at once: no shared FFmpeg state, and byte-identical results.
        /// x264 is pinned to one thread and its C code for this: with frame threads its VBV
        /// planning reads the estimated sizes of frames other threads are still encoding, and
        /// its AVX-512 routines read uninitialised memory (the same input encodes differently
        /// under `MALLOC_PERTURB_`, with the ffmpeg CLI too), so otherwise the bytes depend on
        /// timing and on what the heap held before, interference or not.
        @Test func concurrentJobsDoNotInterfere() throws {
            let clip = try Fixtures.clip("portrait-silent.mp4")
            let directories = try (0..<2).map { try Fixtures.temporaryDirectory(named: "concurrent-\($0)") }
            defer { for directory in directories { try? FileManager.default.removeItem(at: directory) } }
            let preset = {
                var preset = VideoPreset.default
                preset.video.options["threads"] = "1"
                preset.video.options["x264-params"] = "asm=0"
                return preset
            }()
            let results = Mutex<[Int: Result<VideoManifest, TranscodeError>]>([:])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let result = Result { () throws(TranscodeError) in
                    try VideoPipeline(preset: preset).process(input: clip, outputDirectory: directories[index])
                }
                results.withLock { $0[index] = result }
            }
            let manifests = try results.withLock { all in try (0..<2).map { try all[$0, default: .failure(.init(.internal, "missing"))].get() } }
            #expect(manifests[0] == manifests[1])
            let files = try directories.map { try Data(contentsOf: $0.appendingPathComponent("360.mp4")) }
            // Compared outside #expect: a failure would otherwise diff the 100 KB files byte by byte.
            let identical = files[0] == files[1]
            #expect(identical, "360.mp4 differs: \(files[0].count) and \(files[1].count) bytes")
        }

        @Test func cancellationStopsAndLeavesNothing() throws {
            let directory = try Fixtures.temporaryDirectory(named: "cancel")
            defer { try? FileManager.default.removeItem(at: directory) }
            let error = try #require(throws: TranscodeError.self) {
                try VideoPipeline().process(
                    input: Fixtures.clip("landscape-audio.mp4"), outputDirectory: directory, isCancelled: { true })
            }
            #expect(error.code == .cancelled)
            #expect(!error.disposition.isPermanent)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }

        @Test func decodingWithoutFramesPastTheStallTimeoutStopsAsStalled() throws {
            // A zero timeout: the decoder's first packets go in before any frame comes out
            // (reordering, frame threads), and that wait already exceeds the limit.
            let directory = try Fixtures.temporaryDirectory(named: "stall")
            defer { try? FileManager.default.removeItem(at: directory) }
            let error = try #require(throws: TranscodeError.self) {
                try VideoPipeline(stallTimeout: .zero).process(
                    input: Fixtures.clip("landscape-audio.mp4"), outputDirectory: directory)
            }
            #expect(error.code == .stalled)
            #expect(!error.disposition.isPermanent)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            let hashError = try #require(throws: TranscodeError.self) {
                try VideoPipeline(stallTimeout: .zero).hash(input: Fixtures.clip("landscape-audio.mp4"))
            }
            #expect(hashError.code == .stalled)
        }

        @Test func faststartFileCutShortIsCorrupt() throws {
            let (_, made) = try process(Fixtures.clip("portrait-silent.mp4"))
            defer { try? FileManager.default.removeItem(at: made) }
            let whole = try Data(contentsOf: made.appendingPathComponent("360.mp4"))
            let directory = try Fixtures.temporaryDirectory(named: "cut")
            defer { try? FileManager.default.removeItem(at: directory) }
            let cut = directory.appendingPathComponent("cut.mp4")
            try whole.prefix(whole.count / 3).write(to: cut)
            let output = directory.appendingPathComponent("out")
            let error = try #require(throws: TranscodeError.self) {
                try VideoPipeline().process(input: cut, outputDirectory: output)
            }
            #expect(error.code == .corrupt)
            #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
        }

        @Test func misspeltEncoderOptionIsRejectedNotIgnored() throws {
            var preset = VideoPreset.default
            preset.video.options = ["crff": "18"]
            let directory = try Fixtures.temporaryDirectory(named: "options")
            defer { try? FileManager.default.removeItem(at: directory) }
            let error = try #require(throws: TranscodeError.self) {
                try VideoPipeline(preset: preset).process(
                    input: Fixtures.clip("portrait-silent.mp4"), outputDirectory: directory)
            }
            #expect(error.code == .invalidPreset)
            #expect(error.message.contains("crff"))
        }

        @Test func manifestUsesSnakeCaseKeys() throws {
            let manifest = VideoManifest(
                preset: .init(name: "video", version: 2),
                input: .init(
                    format: "mp4", width: 1280, height: 720, bytes: 10, sha256: "ab", durationMs: 2000, rotation: 90,
                    hasAudio: true),
                renditions: [
                    .init(
                        name: "360", format: "mp4", width: 360, height: 640, bytes: 5, path: "360.mp4", codec: "h264",
                        videoBitrate: 800_000, audioBitrate: 128_000)
                ])
            let text = try #require(String(data: JSONEncoder().encode(manifest), encoding: .utf8))
            for key in ["\"duration_ms\"", "\"has_audio\"", "\"video_bitrate\"", "\"audio_bitrate\"", "\"kind\":\"video\""] {
                #expect(text.contains(key), "\(key) missing from \(text)")
            }
        }

        /// Our upright rendition must look like the ffmpeg CLI's auto-rotated decode of the source.
        private func expectSamePicture(_ source: URL, _ rendition: URL) throws {
            let reference = try MediaInspector.greyThumbnail(source, at: 0.5)
            let ours = try MediaInspector.greyThumbnail(rendition, at: 0.5)
            let difference = MediaInspector.meanDifference(reference, ours)
            #expect(difference < 12, "mean grey difference \(difference)")
        }
    }
}
