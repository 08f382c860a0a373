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
