import Foundation
import Testing

/// The test venv with moto (`scripts/test-venv` prints the same path) and the repository.
enum MotoVenv {
    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["MEDIADAEMON_TEST_VENV"], !path.isEmpty { return path }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/root") + "/.cache")
        return cache + "/mediadaemon/test-venv"
    }

    static var hasMoto: Bool { FileManager.default.fileExists(atPath: path + "/bin/moto_server") }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// End to end with an S3 store: `serve --store s3://…` against moto's server (authentication
/// on): an enqueued photo is processed, its renditions land in the bucket, and `/media/`
/// serves them with the bytes the manifest states.
@Suite("serve with an S3 store", .enabled(if: MotoVenv.hasMoto, "moto is not in the test venv (scripts/setup --tests)"))
struct ServeS3Tests {
    @Test func photosAreProcessedIntoTheBucketAndServed() async throws {
        let harness = try ServeHarness(prefix: "md-s3")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let moto = try ChildProcess(
            MotoVenv.path + "/bin/python", [MotoVenv.repository + "/scripts/s3/moto-server.py", "media", "--forever"], directory: harness.directory)
        defer { moto.signal(SIGKILL) }
        #expect(await moto.waitForStderr(containing: "moto-server ready"), "\(moto.stderr)")
        let started = try #require(
            try JSONSerialization.jsonObject(with: Data(moto.stdout.utf8)) as? [String: String])
        let endpoint = try #require(started["endpoint"])
        let environment = ["AWS_ACCESS_KEY_ID": try #require(started["access_key"]), "AWS_SECRET_ACCESS_KEY": try #require(started["secret_key"])]
        let store = ["--data", harness.data, "--store", "s3://media/e2e", "--s3-endpoint", endpoint]

        let daemon = try DaemonProcess.start(["serve", "--port", "0", "--photo-workers", "1"] + store, directory: harness.directory, environment: environment)
        defer { daemon.signal(SIGKILL) }
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let port = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })

        let image = try await harness.image("photo.jpg")
        let enqueued = try await DaemonProcess.run(["enqueue"] + store + [image], directory: harness.directory, environment: environment)
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let job = try #require(try JSONSerialization.jsonObject(with: Data(enqueued.stdout.utf8)) as? [String: Any])
        let mediaID = try #require(job["media_id"] as? Int)
        var media: [String: Any] = [:]
        let settled = try await harness.eventually(within: 120) {
            let shown = try await DaemonProcess.run(["media", "show", "\(mediaID)"] + store, directory: harness.directory, environment: environment)
            media = (try? JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]) ?? [:]
            return media["status"] as? String != "processing"
        }
        #expect(settled)
        #expect(media["status"] as? String == "ready", "\(media)")
        let manifest = try #require(media["manifest"] as? [String: Any])
        let prefix = try #require(manifest["store_prefix"] as? String)
        let renditions = try #require(manifest["renditions"] as? [[String: Any]])
        #expect(!renditions.isEmpty)
        for rendition in renditions {
            let path = try #require(rendition["path"] as? String)
            let served = try await harness.curl(["http://127.0.0.1:\(port)/media/\(prefix)/\(path)"])
            #expect(served.status == 200, "\(prefix)/\(path)")
            #expect(served.body.count == rendition["bytes"] as? Int, "\(prefix)/\(path)")
        }
        // Nothing was written to a local store.
        #expect(!FileManager.default.fileExists(atPath: harness.data + "/store/media"))
    }
}
