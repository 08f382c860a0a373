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

    /// A /proc file's text (its size reads as 0, so read to the end).
    static func proc(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// Descriptor number → link target (`socket:[123]`, a path…) of `pid`.
    static func descriptors(of pid: pid_t) -> [Int: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        var result: [Int: String] = [:]
        for name in names {
            guard let number = Int(name),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(name)")
            else { continue }
            result[number] = target
        }
        return result
    }

    /// The `flags:` of descriptor `number` of `pid` (octal in /proc/<pid>/fdinfo), nil if closed.
    static func descriptorFlags(of pid: pid_t, _ number: Int) -> Int? {
        let line = proc("/proc/\(pid)/fdinfo/\(number)").split(separator: "\n").first { $0.hasPrefix("flags:") }
        return line.flatMap { Int($0.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8) }
    }

    /// The inode of the TCP socket listening on `port` (from /proc/net/tcp: state 0A).
    static func listeningInode(port: Int) -> String? {
        let hexPort = String(format: ":%04X", port)
        for line in proc("/proc/net/tcp").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9, fields[1].hasSuffix(hexPort), fields[3] == "0A" else { continue }
            return String(fields[9])
        }
        return nil
    }

    /// True when `pid` has exited (reaped, or a zombie its new parent has not reaped yet).
    static func isGone(_ pid: pid_t) -> Bool {
        let stat = proc("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    /// The pids whose parent is `pid`, with their command names.
    static func children(of pid: pid_t) -> [(pid: pid_t, name: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.compactMap { candidate in
            let stat = proc("/proc/\(candidate)/stat")
            guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == pid else { return nil }
            return (candidate, String(stat[stat.index(after: open)..<close]))
        }
    }
}
