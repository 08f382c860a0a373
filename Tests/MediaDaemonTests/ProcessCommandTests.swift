import Foundation
import Testing

/// `mediadaemon process` and `hash` on files the test makes with the ffmpeg CLI.
@Suite("process and hash commands")
struct ProcessCommandTests {
    private let directory: URL

    init() throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("md-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A 1200×800 JPEG of ffmpeg's test pattern.
    private func makeJPEG(_ name: String) async throws -> URL {
        let url = directory.appendingPathComponent(name)
        let ffmpeg = try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1200x800", "-frames:v", "1", url.path],
            directory: directory)
        let status = await ffmpeg.waitForExit().status
        #expect(status == 0)
        return url
    }

    private func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func processWritesRenditionsAndPrintsTheManifest() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try await makeJPEG("pattern.jpg")
        let out = directory.appendingPathComponent("out")
        let result = try await DaemonProcess.run(["process", "--out", out.path, input.path], directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(try lines(result.stdout).first)
        #expect(manifest["kind"] as? String == "photo")
        #expect(manifest["source"] as? String == input.path)
        let renditions = try #require(manifest["renditions"] as? [[String: Any]])
        #expect(renditions.count == 6)
        for rendition in renditions {
            let path = try #require(rendition["path"] as? String)
            let size = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(path).path)[.size] as? Int
            #expect(size == rendition["bytes"] as? Int, "\(path)")
        }
        let widths = Set(renditions.compactMap { $0["width"] as? Int })
        #expect(widths == [150, 640, 1080])
    }

    @Test func badInputsExitTwoWithCategorisedErrorsAndGoodOnesStillProcess() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try await makeJPEG("good.jpg")
        let bytes = try Data(contentsOf: good)
        let truncated = directory.appendingPathComponent("truncated.jpg")
        try bytes.prefix(bytes.count / 3).write(to: truncated)
        let text = directory.appendingPathComponent("notes.jpg")
        try Data("just some text, not an image".utf8).write(to: text)

        let out = directory.appendingPathComponent("out")
        let result = try await DaemonProcess.run(
            ["process", "--workers", "2", "--out", out.path, good.path, truncated.path, text.path], directory: directory)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        let bySource = Dictionary(uniqueKeysWithValues: try lines(result.stdout).map { ($0["source"] as? String ?? "", $0) })
        #expect(bySource.count == 3)
        #expect(bySource[good.path]?["kind"] as? String == "photo")
        let corrupt = bySource[truncated.path]?["error"] as? [String: Any]
        #expect(corrupt?["code"] as? String == "corrupt")
        let unsupported = bySource[text.path]?["error"] as? [String: Any]
        #expect(unsupported?["code"] as? String == "unsupported_format")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("good.jpg/640.jpg").path))
    }

    /// A 2-second 320×240 H.264 clip with a tone.
    private func makeVideo(_ name: String) async throws -> URL {
        let url = directory.appendingPathComponent(name)
        let ffmpeg = try ChildProcess(
            "/usr/bin/ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", url.path,
            ],
            directory: directory)
        let status = await ffmpeg.waitForExit().status
        #expect(status == 0)
        return url
    }

    /// Relative path → bytes of every regular file under `root`.
    private func contents(under root: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: root.path)
        while let path = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let url = root.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found[path] = try Data(contentsOf: url)
            }
        }
        return found
    }

    @Test func isolatedRunsWriteTheSameFilesAndManifestsAsInProcessRuns() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = try await makeJPEG("photo.jpg")
        let video = try await makeVideo("clip.mp4")
        let inProcess = directory.appendingPathComponent("in-process")
        let isolated = directory.appendingPathComponent("isolated")
        let plain = try await DaemonProcess.run(
            ["process", "--workers", "2", "--out", inProcess.path, photo.path, video.path], directory: directory)
        let sandboxed = try await DaemonProcess.run(
            ["process", "--isolated", "--workers", "2", "--out", isolated.path, photo.path, video.path], directory: directory)
        #expect(plain.status == 0 && sandboxed.status == 0, "\(plain.stderr)\n\(sandboxed.stdout)\n\(sandboxed.stderr)")

        // Lines come in order of completion: compare them by source.
        func bySource(_ text: String) throws -> [String: NSDictionary] {
            Dictionary(uniqueKeysWithValues: try lines(text).map { ($0["source"] as? String ?? "", $0 as NSDictionary) })
        }
        let expected = try bySource(plain.stdout)
        #expect(expected.count == 2 && expected[video.path]?["kind"] as? String == "video")
        #expect(try bySource(sandboxed.stdout) == expected)
        let files = try contents(under: inProcess)
        #expect(files.keys.contains("photo.jpg/640.jpg") && files.keys.contains { $0.hasPrefix("clip.mp4/hls/") }, "\(files.keys)")
        let isolatedFiles = try contents(under: isolated)
        #expect(isolatedFiles.keys.sorted() == files.keys.sorted())
        for (path, bytes) in files {
            #expect(isolatedFiles[path] == bytes, "\(path) differs")
        }
    }

    /// The executable does not link FFmpeg: a JPEG run never loads it (nor libvips' HEIF
    /// module), a video run loads it when the video arrives (the dynamic loader's own trace
    /// says which files it opened).
    @Test func ffmpegIsLoadedOnlyWhenAVideoArrives() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = try await makeJPEG("photo.jpg")
        let video = try await makeVideo("clip.mp4")
        let trace = ["LD_DEBUG": "files"]
        let photoRun = try await DaemonProcess.run(
            ["process", "--out", directory.appendingPathComponent("photo-out").path, photo.path],
            directory: directory, environment: trace)
        #expect(photoRun.status == 0, "\(photoRun.stdout)")
        #expect(photoRun.stderr.contains("file=libvips.so"), "the loader trace is missing")
        #expect(!photoRun.stderr.contains("file=libavcodec.so"))
        #expect(!photoRun.stderr.contains("file=libavformat.so"))
        #expect(!photoRun.stderr.contains("vips-heif.so"))
        #expect(!photoRun.stderr.contains("file=libheif.so"))
        let videoRun = try await DaemonProcess.run(
            ["process", "--out", directory.appendingPathComponent("video-out").path, video.path],
            directory: directory, environment: trace)
        #expect(videoRun.status == 0, "\(videoRun.stdout)")
        #expect(try lines(videoRun.stdout).first?["kind"] as? String == "video")
        #expect(videoRun.stderr.contains("file=libavcodec.so"))
        #expect(videoRun.stderr.contains("file=libavformat.so"))
    }

    @Test func aWorkerCrashFailsItsFileAloneAsWorkerCrashed() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try await makeJPEG("good.jpg")
        let faulty = try await makeJPEG("faulty.jpg")
        // The test hook's marker after the image's last byte (restated from WorkerFault on purpose).
        let handle = try FileHandle(forWritingTo: faulty)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("MEDIADAEMON-TEST-FAULT".utf8))
        try handle.close()

        let out = directory.appendingPathComponent("out")
        let result = try await DaemonProcess.run(
            ["process", "--isolated", "--workers", "2", "--out", out.path, faulty.path, good.path], directory: directory,
            environment: ["MEDIADAEMON_TEST_FAULT": "c-abort"])
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        let bySource = Dictionary(uniqueKeysWithValues: try lines(result.stdout).map { ($0["source"] as? String ?? "", $0) })
        let error = bySource[faulty.path]?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "worker_crashed", "\(result.stdout)")
        #expect((error?["message"] as? String)?.contains("SIGABRT") == true, "\(result.stdout)")
        #expect(bySource[good.path]?["kind"] as? String == "photo", "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("good.jpg/640.jpg").path))
        #expect(try contents(under: out.appendingPathComponent("faulty.jpg")).isEmpty)
    }

    @Test func hashPrintsPDQAndPHash() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try await makeJPEG("hash.jpg")
        let result = try await DaemonProcess.run(["hash", input.path], directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let hashes = try #require(try lines(result.stdout).first)
        let pdq = try #require(hashes["pdq"] as? String)
        #expect(pdq.count == 64 && pdq.allSatisfy(\.isHexDigit))
        #expect((hashes["phash"] as? String)?.count == 16)
        #expect((hashes["sha256"] as? String)?.count == 64)
        #expect((hashes["pdq_quality"] as? Int).map { (0...100).contains($0) } == true)
    }
}
