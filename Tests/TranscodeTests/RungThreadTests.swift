import Foundation
import Testing
@testable import Transcode

extension TranscodeSuite {
    /// The ladder's rungs run on threads of their own and share pictures; what they write must
    /// not depend on that.
    @Suite struct RungThreadTests {
        /// x264 on one thread with its C code: its encodes are then reproducible byte for byte
        /// (see `concurrentJobsDoNotInterfere`). No HLS, no sampling: only the rungs' MP4s.
        private static let preset: VideoPreset = {
            var preset = VideoPreset.default
            preset.video.options["threads"] = "1"
            preset.video.options["x264-params"] = "asm=0"
            preset.hls = nil
            preset.sampling = nil
            return preset
        }()

        /// The same rungs written on one thread, one frame after another, each scaling from the
        /// smallest larger picture already made (what the threads do, without threads).
        private static func writeOnOneThread(_ input: URL, into directory: URL) throws -> [URL] {
            let source = try OpenedSource(url: input, limits: preset.limits, decoderCountsDuration: true)
            let probe = source.probe
            let plan = LadderPlan(rungs: preset.rungs, displayWidth: probe.video.displayWidth, displayHeight: probe.video.displayHeight)
            let reader = try SourceReader(source: source, withAudio: false)
            let outputs = plan.steps.map { directory.appendingPathComponent("\($0.rung.name).mp4") }
            let settings = Ladder.settings(plan: plan, preset: preset, frameRate: probe.video.frameRate, hlsDirectory: nil)
            let rotation = FrameRotation(clockwiseDegrees: probe.video.rotation)
            var writers: [RungWriter] = []
            for (rung, output) in zip(settings, outputs) {
                writers.append(try RungWriter(path: output.path, settings: rung, rotation: rotation, reader: reader, audio: nil))
            }
            let order = Ladder.largestFirst(writers)
            try reader.run(
                checkpoint: {},
                video: { frame throws(TranscodeError) in
                    var made: [Frame] = []
                    for index in order {
                        let writer = writers[index]
                        made.append(try writer.encode(frame, scalingFrom: writer.scalingSource(among: made)).reference())
                    }
                },
                audio: { _ in })
            for writer in writers { try writer.finish() }
            return outputs
        }

        @Test("a turned clip's rungs, 360 scaled from 720's picture, match one thread's")
        func threadedLadderWritesWhatOneThreadWrites() throws {
            let clip = try Fixtures.clip("rotated-4x3.mp4")
            let threaded = try Fixtures.temporaryDirectory(named: "rungs-threaded")
            let serial = try Fixtures.temporaryDirectory(named: "rungs-serial")
            defer {
                try? FileManager.default.removeItem(at: threaded)
                try? FileManager.default.removeItem(at: serial)
            }
            let manifest = try VideoPipeline(preset: Self.preset).process(input: clip, outputDirectory: threaded)
            #expect(manifest.renditions.map(\.name) == ["360", "720"])
            let expected = try Self.writeOnOneThread(clip, into: serial)
            #expect(expected.count == 2)
            for file in expected {
                let want = try Data(contentsOf: file)
                let got = try Data(contentsOf: threaded.appendingPathComponent(file.lastPathComponent))
                // Compared outside #expect: a failure would otherwise diff the files byte by byte.
                let identical = want == got
                #expect(identical, "\(file.lastPathComponent) differs: \(got.count) bytes threaded, \(want.count) on one thread")
                #expect(want.count > 10_000)
            }
        }

        @Test("cancelled while frames wait in the rungs' queues: every thread ends, nothing is left")
        func cancellationMidStreamEndsEveryRung() throws {
            let directory = try Fixtures.temporaryDirectory(named: "cancel-mid")
            defer { try? FileManager.default.removeItem(at: directory) }
            var checks = 0
            let error = try #require(throws: TranscodeError.self) {
                try VideoPipeline().process(input: Fixtures.clip("rotated-90.mp4"), outputDirectory: directory) {
                    checks += 1
                    return checks > 20
                }
            }
            #expect(error.code == .cancelled)
            #expect(checks == 21)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            // The same pipeline runs to completion afterwards in the same place.
            let manifest = try VideoPipeline().process(input: Fixtures.clip("rotated-90.mp4"), outputDirectory: directory)
            #expect(manifest.renditions.count == 2)
        }
    }
}
