import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A `serve` on the embedded cluster under a scratch directory, for the restart tests: its
/// port, a user's upload, `/readyz`, and what /proc says about it and its postmaster.
struct ServeHarness {
    let directory: URL
    var data: String { directory.appendingPathComponent("state").path }
    var postmasterFile: String { data + "/pg/data/postmaster.pid" }

    init(prefix: String) throws {
        directory = URL(fileURLWithPath: "/tmp/\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts `serve` (through `env`, so variables can be unset) and waits until it listens.
    func start(port: Int = 0, unsetting: [String] = []) async throws -> (daemon: ChildProcess, port: Int) {
        let unset = unsetting.flatMap { ["-u", $0] }
        let daemon = try ChildProcess(
            "/usr/bin/env",
            unset + [DaemonProcess.binary, "serve", "--data", data, "--port", "\(port)", "--photo-workers", "1"],
            directory: directory)
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let bound = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        return (daemon, bound)
    }

    func curl(_ arguments: [String]) async throws -> (status: Int, body: Data) {
        let body = directory.appendingPathComponent("body-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: body) }
        let result = try await ChildProcess(
            "/usr/bin/curl", ["-sS", "--max-time", "30", "-o", body, "-w", "%{http_code}"] + arguments, directory: directory
        ).waitForExit()
        return (Int(result.stdout) ?? 0, (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data())
    }

    /// Registers a user and returns its bearer token.
    func token(port: Int) async throws -> String {
        let credentials = #"{"username": "rhea", "password": "a long passphrase"}"#
        let json = ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", credentials]
        #expect(try await curl(json + ["http://127.0.0.1:\(port)/api/v1/users"]).status == 201)
        let session = try await curl(json + ["http://127.0.0.1:\(port)/api/v1/sessions"])
        let object = (try? JSONSerialization.jsonObject(with: session.body)) as? [String: Any]
        return try #require(object?["token"] as? String)
    }

    func image(_ name: String) async throws -> String {
        let path = directory.appendingPathComponent(name).path
        let result = try await ChildProcess(
            "/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", path],
            directory: directory
        ).waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    /// Polls `check` every 200 ms until it holds or `seconds` pass; whether it held.
    func eventually(within seconds: Int, _ check: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await check() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try await check()
    }

    /// The pid in the cluster's lock file when that process is alive.
    func postmaster() -> pid_t? {
        guard let text = try? String(contentsOfFile: postmasterFile, encoding: .utf8),
            let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }), kill(pid, 0) == 0
        else { return nil }
        return pid
    }

}
