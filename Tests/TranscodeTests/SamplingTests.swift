import Foundation
import Testing
import Thumbnail
import Transcode

extension TranscodeSuite {
    /// Poster frame and frame hashes, taken from the same single decode as the ladder.
    @Suite struct SamplingTests {
        @Test func posterHasPhotoRenditionsAndFramesAreHashedEverySecond() throws {
            let directory = try Fixtures.temporaryDirectory(named: "poster")
            defer { try? FileManager.default.removeItem(at: directory) }
            let manifest = try VideoPipeline().process(
                input: Fixtures.clip("landscape-audio.mp4"), outputDirectory: directory)
            let poster = try #require(manifest.poster)
            #expect(abs(poster.timeMs - 1000) <= 40)
            #expect(poster.width == 320 && poster.height == 240)
            #expect(!poster.renditions.isEmpty)
            for rendition in poster.renditions {
                #expect(rendition.path.hasPrefix("poster/"))
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(rendition.path).path))
            }
            let hashes = try #require(manifest.hashes)
            #expect(hashes.frames.map(\.timeMs) == [0, 1000])
            #expect(hashes.frames.allSatisfy { $0.pdq.count == 64 && $0.quality >= 50 })
            #expect(hashes.pdq.count == 64 && hashes.phash.count == 16)

            // `hash` reads the same frames without encoding anything.
            let alone = try VideoPipeline().hash(input: Fixtures.clip("landscape-audio.mp4"))
            #expect(alone.frames == hashes.frames)
            #expect(alone.pdq == hashes.pdq)
            #expect(alone.sha256 == manifest.input.sha256)
        }

        @Test func posterSkipsBlackFrames() throws {
            let hashesDirectory = try Fixtures.temporaryDirectory(named: "black")
            defer { try? FileManager.default.removeItem(at: hashesDirectory) }
            let manifest = try VideoPipeline().process(
                input: Fixtures.clip("black-start.mp4"), outputDirectory: hashesDirectory)
            let poster = try #require(manifest.poster)
            #expect(poster.timeMs >= 1500 && poster.timeMs <= 1600, "poster at \(poster.timeMs) ms")
            #expect((manifest.hashes?.pdqQuality ?? 0) >= 50)
        }

        /// Hashes are of the upright picture: they match PDQ of the ffmpeg CLI's rotated decode.
        @Test func frameHashesSeeTheUprightPicture() throws {
            let source = try Fixtures.clip("rotated-90.mp4")
            let hashes = try VideoPipeline().hash(input: source)
            let frame = try #require(hashes.frames.first { $0.timeMs == 1000 })
            let ours = try #require(PDQHash(hex: frame.pdq))
            let (width, height) = (288, 512)
            let (_, data) = try Fixtures.capture(
                "/usr/bin/ffmpeg",
                [
                    "-nostdin", "-v", "error", "-ss", "1.0", "-i", source.path, "-frames:v", "1",
                    "-vf", "scale=\(width):\(height)", "-pix_fmt", "rgb24", "-f", "rawvideo", "-",
                ])
            let pixels = [UInt8](data)
            try #require(pixels.count == width * height * 3)
            let reference = PDQ.hash(pixels: pixels, width: width, height: height, bands: 3)
            #expect(ours.distance(to: reference) <= 31, "distance \(ours.distance(to: reference))")
        }
    }
}
