import Foundation
import Testing

/// End to end: `serve` on the embedded cluster, `enqueue` files, media become ready with
/// outputs in the store; bad input fails its media and nothing else; duplicates are linked.
@Suite("serve processes uploads", .serialized)
struct ServeProcessingTests {
    private let directory: URL
    private var data: String { directory.appendingPathComponent("state").path }

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/md-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes a test-pattern image with ffmpeg (`quality`: JPEG qscale, 2 best … 31 worst).
    private func makeImage(_ name: String, size: String = "1200x800", quality: Int = 3, flip: Bool = false) async throws -> String {
        let path = directory.appendingPathComponent(name).path
        var arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size)", "-frames:v", "1", "-q:v", "\(quality)"]
        if flip { arguments += ["-vf", "hflip"] }
        let result = try await ChildProcess("/usr/bin/ffmpeg", arguments + [path], directory: directory).waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    private func media(_ id: Int) async throws -> [String: Any] {
        let result = try await DaemonProcess.run(["media", "show", "\(id)", "--data", data], directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Polls `media list` until no media is processing (the daemon works in the background).
    private func waitUntilSettled(timeout: Duration = .seconds(120)) async throws -> [[String: Any]] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let result = try await DaemonProcess.run(["media", "list", "--data", data], directory: directory)
            let rows = try result.stdout.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            if !rows.contains(where: { $0["status"] as? String == "processing" }) || clock.now > deadline { return rows }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    @Test func uploadsAreProcessedDeduplicatedAndBadInputFails() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try await makeImage("original.jpg")
        let reencoded = try await makeImage("reencoded.jpg", size: "900x600", quality: 12)
        let mirrored = try await makeImage("mirrored.jpg", flip: true)
        let truncated = directory.appendingPathComponent("truncated.jpg").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: original))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))

        let daemon = try DaemonProcess.start(["serve", "--data", data, "--port", "0"], directory: directory)
        #expect(await daemon.waitForStderr(containing: "ready;"), "\(daemon.stderr)")

        let enqueue = try await DaemonProcess.run(
            ["enqueue", "--data", data, original, truncated, original], directory: directory)
        #expect(enqueue.status == 0, "\(enqueue.stderr)")
        let lines = try enqueue.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.count == 3)
        #expect(lines[0]["exact_duplicate"] as? Bool == false)
        #expect(lines[2]["exact_duplicate"] as? Bool == true)
        #expect(lines[2]["media_id"] as? Int == lines[0]["media_id"] as? Int)

        // Near-duplicates go in after the original is ready, so they can match it.
        _ = try await waitUntilSettled()
        let more = try await DaemonProcess.run(["enqueue", "--data", data, reencoded, mirrored], directory: directory)
        #expect(more.status == 0, "\(more.stderr)")
        let rows = try await waitUntilSettled()
        #expect(rows.count == 4)

        let originalID = try #require(lines[0]["media_id"] as? Int)
        let ready = try await media(originalID)
        #expect(ready["status"] as? String == "ready")
        // The manifest is printed as a JSON object, not as a string holding JSON.
        #expect(!(ready["manifest"] is String))
        let manifest = try #require(ready["manifest"] as? [String: Any])
        let prefix = try #require(manifest["store_prefix"] as? String)
        for rendition in try #require(manifest["renditions"] as? [[String: Any]]) {
            let path = try #require(rendition["path"] as? String)
            let stored = "\(data)/store/\(prefix)/\(path)"
            let size = try FileManager.default.attributesOfItem(atPath: stored)[.size] as? Int
            #expect(size == rendition["bytes"] as? Int, "\(stored)")
        }

        let failedID = try #require(lines[1]["media_id"] as? Int)
        let failed = try await media(failedID)
        #expect(failed["status"] as? String == "failed")
        #expect(failed["error_code"] as? String == "corrupt")
        #expect((failed["error_message"] as? String)?.isEmpty == false)

        let nearIDs = try more.stdout.split(separator: "\n").map { line -> Int in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["media_id"] as? Int)
        }
        for id in nearIDs {
            let near = try await media(id)
            #expect(near["status"] as? String == "ready")
            #expect(near["duplicate_of"] as? Int == originalID, "media \(id): \(near)")
            #expect((near["duplicate_distance"] as? Int).map { $0 <= 31 } == true)
        }

        // No temporary files are left in the store.
        let leftovers = ChaosTests.storeTemporaries(under: data)
        #expect(leftovers.isEmpty, "\(leftovers)")

        // Reprocessing: counted by --dry-run, waited for with progress, and idempotent per run.
        let dry = try await DaemonProcess.run(["reprocess", "--data", data, "--kind", "photo", "--dry-run"], directory: directory)
        #expect(dry.stdout.contains("would reprocess 4 media"), "\(dry.stdout)")
        let again = try await DaemonProcess.run(
            ["reprocess", "--data", data, "--status", "ready", "--wait"], directory: directory)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("enqueued 3 jobs"), "\(again.stdout)")
        #expect(again.stdout.contains("3/3 done"), "\(again.stdout)")
        let repeated = try await DaemonProcess.run(["reprocess", "--data", data, "--status", "ready"], directory: directory)
        #expect(repeated.stdout.contains("enqueued 0 jobs"), "\(repeated.stdout)")
        let reprocessed = try await media(originalID)
        #expect(reprocessed["status"] as? String == "ready")
        #expect((reprocessed["manifest"] as? NSDictionary) == (manifest as NSDictionary))

        daemon.signal(SIGTERM)
        let exit = await daemon.waitForExit()
        #expect(exit.status == 0, "\(exit.stderr)")
    }

    /// Writes a clip with ffmpeg: `source` is a lavfi video source, re-encoded from `input`
    /// when given (scaled to `size`, at `bitrate`).
    private func makeClip(_ name: String, source: String = "testsrc2", input: String? = nil, size: String = "640x360", bitrate: String = "800k") async throws -> String {
        let path = directory.appendingPathComponent(name).path
        let inputArguments = input.map { ["-i", $0] } ?? ["-f", "lavfi", "-i", "\(source)=size=640x360:rate=25", "-t", "6"]
        let arguments = ["-v", "error", "-y"] + inputArguments
            + ["-vf", "scale=\(size.replacingOccurrences(of: "x", with: ":"))", "-c:v", "libx264", "-b:v", bitrate, "-pix_fmt", "yuv420p", path]
        let result = try await ChildProcess("/usr/bin/ffmpeg", arguments, directory: directory).waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    @Test func reencodedVideoIsLinkedByItsFramesAndUnrelatedVideoIsNot() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try await makeClip("original.mp4")
        let reencoded = try await makeClip("reencoded.mp4", input: original, size: "426x240", bitrate: "150k")
        let unrelated = try await makeClip("unrelated.mp4", source: "mandelbrot")

        let daemon = try DaemonProcess.start(["serve", "--data", data, "--no-http"], directory: directory)
        #expect(await daemon.waitForStderr(containing: "ready;"), "\(daemon.stderr)")
        let first = try await DaemonProcess.run(["enqueue", "--data", data, original], directory: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let originalObject = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        let originalID = try #require(originalObject?["media_id"] as? Int)
        _ = try await waitUntilSettled(timeout: .seconds(300))
        let more = try await DaemonProcess.run(["enqueue", "--data", data, reencoded, unrelated], directory: directory)
        #expect(more.status == 0, "\(more.stderr)")
        _ = try await waitUntilSettled(timeout: .seconds(300))
        let ids = try more.stdout.split(separator: "\n").map { line -> Int in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["media_id"] as? Int)
        }
        #expect(ids.count == 2)
        let copy = try await media(try #require(ids.first))
        #expect(copy["status"] as? String == "ready", "\(copy)")
        #expect(copy["duplicate_of"] as? Int == originalID, "\(copy)")
        #expect((copy["duplicate_distance"] as? Int).map { $0 <= 31 } == true, "\(copy)")
        let other = try await media(try #require(ids.last))
        #expect(other["status"] as? String == "ready", "\(other)")
        #expect(other["duplicate_of"] == nil || other["duplicate_of"] is NSNull, "\(other)")

        daemon.signal(SIGTERM)
        let exit = await daemon.waitForExit()
        #expect(exit.status == 0, "\(exit.stderr)")
    }

    @Test func jobOfAKilledServeIsRescuedAndCompletedOnceByAnother() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // Long enough that the kill lands while the video pipeline runs.
        let clip = directory.appendingPathComponent("long.mp4").path
        let made = try await ChildProcess(
            "/usr/bin/ffmpeg",
            ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "20", "-c:v", "libx264",
             "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip],
            directory: directory
        ).waitForExit()
        #expect(made.status == 0, "\(made.stderr)")

        let serve = ["serve", "--data", data, "--no-http", "--lease-seconds", "3"]
        let doomed = try DaemonProcess.start(serve, directory: directory)
        #expect(await doomed.waitForStderr(containing: "ready;"), "\(doomed.stderr)")
        let enqueue = try await DaemonProcess.run(["enqueue", "--data", data, clip], directory: directory)
        #expect(enqueue.status == 0, "\(enqueue.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(enqueue.stdout.utf8)) as? [String: Any]
        let mediaID = try #require(object?["media_id"] as? Int)
        let jobID = try #require(object?["job_id"] as? Int)

        // Killed once the pipeline is writing into its scratch folder.
        let scratch = "\(data)/scratch"
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while clock.now < deadline {
            let entries = (try? FileManager.default.subpathsOfDirectory(atPath: scratch)) ?? []
            if entries.contains(where: { $0.contains("/") }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        doomed.signal(SIGKILL)
        #expect(await doomed.waitForExit().status == 128 + SIGKILL)
        #expect(try await media(mediaID)["status"] as? String == "processing")

        let rescuer = try DaemonProcess.start(serve, directory: directory)
        #expect(await rescuer.waitForStderr(containing: "ready;"), "\(rescuer.stderr)")
        _ = try await waitUntilSettled(timeout: .seconds(300))
        let ready = try await media(mediaID)
        #expect(ready["status"] as? String == "ready", "\(ready)")
        // The manifest is printed as a JSON object, not as a string holding JSON.
        #expect(!(ready["manifest"] is String))
        let manifest = try #require(ready["manifest"] as? [String: Any])
        let prefix = try #require(manifest["store_prefix"] as? String)
        let renditions = try #require(manifest["renditions"] as? [[String: Any]])
        #expect(!renditions.isEmpty)
        for rendition in renditions {
            let path = try #require(rendition["path"] as? String)
            let size = try? FileManager.default.attributesOfItem(atPath: "\(data)/store/\(prefix)/\(path)")[.size] as? Int
            #expect(size != nil && size == rendition["bytes"] as? Int, "\(path)")
        }
        let job = try await DaemonProcess.run(["jobs", "show", "\(jobID)", "--data", data], directory: directory)
        #expect(job.stdout.contains("state:     succeeded"), "\(job.stdout)")
        #expect(job.stdout.contains("attempts:  2/"), "\(job.stdout)")
        let leftovers = ChaosTests.storeTemporaries(under: data)
        #expect(leftovers.isEmpty, "\(leftovers)")

        rescuer.signal(SIGTERM)
        #expect(await rescuer.waitForExit().status == 0)
        // The killed serve started the embedded cluster, so nobody else stops it.
        _ = try await DaemonProcess.run(["db", "stop", "--data", data], directory: directory)
    }
}
