import Foundation
import Testing

/// The CLI's `process` (which runs the pipelines) decides formats as the HTTP upload does
/// (`HTTPFormatTests`): both use the one format table. AVI, FLV and MPEG-TS are videos,
/// an `ftyp` with an unknown brand is refused, and a preset the encoders refuse stops
/// `process` and `serve` before any input is touched.
@Suite("format agreement and start-up checks")
struct FormatAgreementTests {
    private let directory: URL

    init() throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("md-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A one-second 160×120 clip of ffmpeg's test pattern in `container`, coded with `codec`.
    private func makeClip(_ name: String, codec: String, container: String) async throws -> URL {
        let url = directory.appendingPathComponent(name)
        let ffmpeg = try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1",
             "-c:v", codec, "-f", container, url.path],
            directory: directory)
        #expect(await ffmpeg.waitForExit().status == 0)
        return url
    }

    private func object(_ line: String) throws -> [String: Any] {
        let first = try #require(line.split(separator: "\n").first)
        return try #require(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
    }

    @Test("AVI, FLV and MPEG-TS go through process as videos", arguments: [
        ("clip.avi", "mpeg4", "avi", "avi"), ("clip.flv", "flv", "flv", "flv"),
        ("clip.ts", "mpeg2video", "mpegts", "mpegts"),
    ])
    func acceptedContainers(name: String, codec: String, container: String, reported: String) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try await makeClip(name, codec: codec, container: container)
        let out = directory.appendingPathComponent("out")
        let result = try await DaemonProcess.run(["process", "--out", out.path, input.path], directory: directory)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let manifest = try object(result.stdout)
        #expect(manifest["kind"] as? String == "video")
        #expect((manifest["input"] as? [String: Any])?["format"] as? String == reported)
    }

    @Test("an ftyp with only an unknown brand is refused by process as unsupported_format")
    func unknownBrand() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("raw.cr3")
        try Data([0, 0, 0, 0x14] + Array("ftypcrx \u{0}\u{0}\u{0}\u{1}crx ".utf8) + [UInt8](repeating: 0x11, count: 4096))
            .write(to: input)
        let result = try await DaemonProcess.run(
            ["process", "--out", directory.appendingPathComponent("out").path, input.path], directory: directory)
        #expect(result.status == 2)
        let error = try #require(try object(result.stdout)["error"] as? [String: Any])
        #expect(error["code"] as? String == "unsupported_format")
    }

    /// `jobs/video.json` with an option libx264 does not have.
    private func misspeltVideoPreset(at url: URL) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("jobs/video.json"))
        var preset = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var video = try #require(preset["video"] as? [String: Any])
        video["options"] = ["crff": "18"]
        preset["video"] = video
        try JSONSerialization.data(withJSONObject: preset).write(to: url)
    }

    @Test("process refuses to start with a preset the encoder refuses: exit 64, invalid_preset, no output")
    func processChecksPresets() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let preset = directory.appendingPathComponent("bad-video.json")
        try misspeltVideoPreset(at: preset)
        let input = try await makeClip("clip.avi", codec: "mpeg4", container: "avi")
        let out = directory.appendingPathComponent("out")
        let result = try await DaemonProcess.run(
            ["process", "--preset", preset.path, "--out", out.path, input.path], directory: directory)
        #expect(result.status == 64)
        let error = try #require(try object(result.stdout)["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_preset")
        #expect((error["message"] as? String)?.contains("crff") == true)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("serve refuses to start with such a preset in its --presets directory, before opening a database")
    func serveChecksPresets() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobs = directory.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        try misspeltVideoPreset(at: jobs.appendingPathComponent("video.json"))
        // Were the preset accepted, serve would fail on this unreachable database instead.
        let result = try await DaemonProcess.run(
            ["serve", "--no-http", "--presets", jobs.path, "--data", directory.appendingPathComponent("data").path],
            directory: directory,
            environment: ["DATABASE_URL": "postgresql://127.0.0.1:1/none"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("invalid_preset"), "\(result.stderr)")
        #expect(result.stderr.contains("crff"))
    }
}
