import Foundation
import Testing

/// Crash isolation through a running `serve`: a media whose decoding kills its worker child is
/// quarantined after exactly two crashes, while the daemon keeps answering and processing other
/// uploads in the same process. The crash is made with the test-only MEDIADAEMON_TEST_FAULT hook.
@Suite("serve survives worker crashes", .serialized)
struct WorkerCrashTests {
    private let directory: URL
    private var data: String { directory.appendingPathComponent("state").path }
    /// The bytes that make the hook fire (WorkerFault.marker; restated here on purpose).
    private static let marker = Data("MEDIADAEMON-TEST-FAULT".utf8)

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/md-crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func curl(_ arguments: [String]) async throws -> (status: Int, body: Data) {
        let body = directory.appendingPathComponent("body-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: body) }
        let result = try await ChildProcess(
            "/usr/bin/curl", ["-sS", "--max-time", "60", "-o", body, "-w", "%{http_code}"] + arguments, directory: directory
        ).waitForExit()
        return (Int(result.stdout) ?? 0, (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data())
    }

    private func image(_ name: String, size: String) async throws -> String {
        let path = directory.appendingPathComponent(name).path
        let result = try await ChildProcess(
            "/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size)", "-frames:v", "1", path],
            directory: directory
        ).waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    private func json(_ body: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// An image carrying the fault marker after its last byte (decoders ignore it).
    private func faultyImage() async throws -> String {
        let faulty = try await image("faulty.jpg", size: "640x480")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: faulty))
        try handle.seekToEnd()
        try handle.write(contentsOf: Self.marker)
        try handle.close()
        return faulty
    }

    /// `serve` with `fault` armed, a user, and an upload function with that user's token.
    private func startServe(
        fault: String, _ options: [String] = []
    ) async throws -> (daemon: ChildProcess, base: String, upload: (String) async throws -> Int, get: (String) async throws -> Int) {
        try? FileManager.default.removeItem(atPath: data)
        let daemon = try DaemonProcess.start(
            ["serve", "--data", data, "--port", "0", "--photo-workers", "1"] + options, directory: directory,
            environment: ["MEDIADAEMON_TEST_FAULT": fault])
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let port = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        let base = "http://127.0.0.1:\(port)"

        let credentials = #"{"username": "dora", "password": "a long passphrase"}"#
        let json = ["-H", "Content-Type: application/json", "--data-binary", credentials]
        #expect(try await curl(["-X", "POST"] + json + [base + "/api/v1/users"]).status == 201)
        let session = try await curl(["-X", "POST"] + json + [base + "/api/v1/sessions"])
        let token = try #require(self.json(session.body)["token"] as? String)
        return (
            daemon, base,
            { file in
                try await self.curl(["-H", "Authorization: Bearer \(token)", "-F", "media=@\(file)", base + "/api/v1/posts"]).status
            },
            { path in try await self.curl(["-H", "Authorization: Bearer \(token)", base + path]).status }
        )
    }

    /// `media list` once no media is processing (or at `deadline`).
    private func settled(count: Int, until deadline: ContinuousClock.Instant) async throws -> [[String: Any]] {
        while true {
            let listed = try await DaemonProcess.run(["media", "list", "--data", data], directory: directory)
            let rows = listed.stdout.split(separator: "\n").compactMap { self.json(Data($0.utf8)) }
            let done = rows.count >= count && !rows.contains { $0["status"] as? String == "processing" }
            if done || ContinuousClock.now > deadline { return rows }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    private func crashLines(_ daemon: ChildProcess) -> [String] {
        daemon.stderr.components(separatedBy: "\n").filter { $0.hasSuffix("] worker crashed") }
    }

    /// A fault the hook commits, how the parent must see each of its two deaths (the signal, or
    /// the watchdog's verdict), and the serve options that arm it.
    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var cause: String
        var options: [String] = []
        /// The log line of each death: a crash, or the watchdog's kill.
        var logSuffix: String { ["timed_out", "stalled"].contains(cause) ? "] worker killed by the watchdog" : "] worker crashed" }
        var testDescription: String { "\(name) → \(cause)" }

        static let all: [Fault] = [
            Fault(name: "c-abort", cause: "SIGABRT"),
            // A Swift runtime trap is `ud2` on x86_64 (SIGILL), `brk` on arm64 (SIGTRAP).
            Fault(name: "swift-trap", cause: hostIsARM ? "SIGTRAP" : "SIGILL"),
            // A child that hangs: killed at its budget, or when its progress stands still. The
            // windows are wide enough that the good photo beside it, on a loaded machine, fits.
            Fault(name: "hang", cause: "timed_out", options: ["--worker-job-timeout", "12"]),
            Fault(name: "hang", cause: "stalled", options: ["--worker-stall-timeout", "12"]),
        ]

        static var hostIsARM: Bool {
            var name = utsname()
            uname(&name)
            return withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }.hasPrefix("a")
        }
    }

    @Test func aWorkerThatOpensASocketDiesOfSIGSYSAndWithoutTheFilterTheSocketOpens() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let faulty = try await faultyImage()

        let (filtered, _, upload, _) = try await startServe(fault: "open-socket")
        #expect(try await upload(faulty) == 201)
        let rows = try await settled(count: 1, until: .now + .seconds(120))
        filtered.signal(SIGTERM)
        _ = await filtered.waitForExit()
        #expect(rows.first?["error_code"] as? String == "quarantined", "\(rows)")
        let crashes = crashLines(filtered)
        #expect(crashes.count == 2 && crashes.allSatisfy { $0.contains("signal=SIGSYS") }, "\(crashes)")

        // Control: the same input with the filter off opens its socket and no child dies.
        let (open, _, uploadOpen, _) = try await startServe(fault: "open-socket", ["--no-worker-seccomp"])
        defer { open.signal(SIGTERM) }
        #expect(try await uploadOpen(faulty) == 201)
        let openRows = try await settled(count: 1, until: .now + .seconds(120))
        #expect(openRows.first?["error_code"] as? String == "test_fault_socket_opened", "\(openRows)")
        #expect(crashLines(open).isEmpty)
    }

    /// Where the file a sandboxed child tries to read lies.
    enum SecretPlace: String, CaseIterable, Sendable {
        /// Outside serve's data folder.
        case outside
        /// In serve's scratch folder, in a job folder of another child's folder.
        case anotherChildsJob
    }

    @Test(arguments: SecretPlace.allCases)
    func aWorkerThatOpensAFileOutsideItsScratchIsRefusedByLandlockAndWithoutItTheFileOpens(place: SecretPlace) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let faulty = try await faultyImage()
        let secret =
            switch place {
            case .outside: directory.appendingPathComponent("secret.txt")
            case .anotherChildsJob: URL(fileURLWithPath: data + "/scratch/w-99-0badf00d/job-1-0badf00d/secret.txt")
            }
        // Readable by anyone (0644 in 0755 folders): only Landlock stands between it and the child.
        func plant() throws {
            try FileManager.default.createDirectory(
                at: secret.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            try Data("not for workers".utf8).write(to: secret)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret.path)
        }

        let (sandboxed, _, upload, _) = try await startServe(fault: "open-file:\(secret.path)")
        try plant()
        #expect(try await upload(faulty) == 201)
        let rows = try await settled(count: 1, until: .now + .seconds(120))
        sandboxed.signal(SIGTERM)
        _ = await sandboxed.waitForExit()
        #expect(rows.first?["error_code"] as? String == "test_fault_file_refused", "\(rows)")
        #expect(crashLines(sandboxed).isEmpty)

        let (open, _, uploadOpen, _) = try await startServe(fault: "open-file:\(secret.path)", ["--no-worker-landlock"])
        defer { open.signal(SIGTERM) }
        try plant()
        #expect(try await uploadOpen(faulty) == 201)
        let openRows = try await settled(count: 1, until: .now + .seconds(120))
        #expect(openRows.first?["error_code"] as? String == "test_fault_file_opened", "\(openRows)")
    }

    @Test(arguments: Fault.all)
    func crashingInputIsQuarantinedWhileServeKeepsServing(fault: Fault) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try await image("good.jpg", size: "800x600")
        let faulty = try await faultyImage()
        let (daemon, base, upload, get) = try await startServe(fault: fault.name, fault.options)
        defer { daemon.signal(SIGTERM) }

        #expect(try await upload(faulty) == 201)
        #expect(try await upload(good) == 201)
        // Until both media settle, the daemon answers health checks, feed reads and uploads.
        let deadline = ContinuousClock.now + .seconds(180)
        var rows: [[String: Any]] = []
        for _ in 0..<2 {
            #expect(try await curl([base + "/healthz"]).status == 200)
            #expect(try await get("/api/v1/feed") == 200)
            #expect(try await upload(good) == 201)
            rows = try await settled(count: 0, until: .now)
        }
        while ContinuousClock.now < deadline {
            #expect(try await curl([base + "/healthz"]).status == 200)
            #expect(try await get("/api/v1/feed") == 200)
            // Uploads of the same bytes share one media: two media in all.
            rows = try await settled(count: 2, until: .now)
            if rows.count >= 2, !rows.contains(where: { $0["status"] as? String == "processing" }) { break }
            try await Task.sleep(for: .milliseconds(300))
        }

        let faultyRow = try #require(rows.first { $0["original_name"] as? String == "faulty.jpg" }, "\(rows)")
        #expect(faultyRow["status"] as? String == "failed", "\(faultyRow)")
        #expect(faultyRow["error_code"] as? String == "quarantined", "\(faultyRow)")
        let goodRows = rows.filter { $0["original_name"] as? String == "good.jpg" }
        #expect(!goodRows.isEmpty && goodRows.allSatisfy { $0["status"] as? String == "ready" }, "\(goodRows)")

        // Exactly two children died, both attributed to the faulty input's job, and serve is the
        // process it was (kill 0 would fail for a restarted one: the test holds the original pid).
        let crashLines = daemon.stderr.components(separatedBy: "\n").filter { $0.hasSuffix(fault.logSuffix) }
        #expect(crashLines.count == 2, "\(crashLines)\n\(daemon.stderr.suffix(3000))")
        #expect(
            crashLines.allSatisfy { $0.contains("=\(fault.cause)") && $0.contains("media_id=\(faultyRow["id"] ?? "")") },
            "\(crashLines)")
        #expect(kill(daemon.pid, 0) == 0)
        let metrics = String(decoding: try await curl([base + "/metrics"]).body, as: UTF8.self)
        #expect(metrics.contains("mediadaemon_worker_crashes_total{cause=\"\(fault.cause)\"} 2"), "\(metrics.prefix(4000))")
        // The faulty job's history: the first attempt lost to the fault (categorised), the second quarantined.
        let dead = try await DaemonProcess.run(["jobs", "list", "--data", data, "--state", "dead", "--json"], directory: directory)
        let jobs = (try? JSONSerialization.jsonObject(with: Data(dead.stdout.utf8))) as? [[String: Any]] ?? []
        let codes = jobs.map { ($0["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        let lost = ["timed_out", "stalled"].contains(fault.cause) ? fault.cause : "worker_crashed"
        #expect(codes == [[lost, "quarantined"]], "\(dead.stdout)\n\(dead.stderr)")

        // The live worker child holds only stdin/stdout/stderr and its channel: not the HTTP
        // listening socket nor any other descriptor of serve.
        // A child that died is replaced at once (after the backoff).
        var workers: [pid_t] = []
        let started = ContinuousClock.now + .seconds(30)
        while workers.isEmpty, ContinuousClock.now < started {
            workers = ProcFS.workers(of: daemon.pid)
            if workers.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!workers.isEmpty)
        for worker in workers {
            let held = ProcFS.descriptors(of: worker)
            // 0–3 are the ones serve hands over; what else a child holds it opened itself (its
            // runtime's event descriptors), never a socket or file of serve's.
            #expect(held[3]?.hasPrefix("socket:") == true, "\(held)")
            let serves = Set(ProcFS.descriptors(of: daemon.pid).values.filter { !$0.hasPrefix("anon_inode:") })
            let inherited = held.filter { $0.key > 3 && serves.contains($0.value) }
            #expect(inherited.isEmpty, "worker \(worker) holds serve's \(inherited) (all: \(held))")
            #expect(held.filter { $0.key > 3 && $0.value.hasPrefix("socket:") }.isEmpty, "\(held)")
            let environment = ProcFS.text("/proc/\(worker)/environ")
            let names = Set(environment.split(separator: "\0").map { String($0.prefix { $0 != "=" }) })
            // Scrubbed: none of serve's environment (HOME, DATABASE_URL…) reaches a child.
            #expect(names.isSubset(of: ["SWIFT_BACKTRACE", "LC_ALL", "PATH", "MEDIADAEMON_TEST_FAULT"]), "\(names)")
            #expect(environment.contains("SWIFT_BACKTRACE=enable=no"))
            // A child still starting has not reached its sandbox yet: wait until its filter (the
            // last step, on every thread at once) is in place.
            let ready = ContinuousClock.now + .seconds(30)
            while !ProcFS.text("/proc/\(worker)/status").contains("Seccomp:\t2"), ContinuousClock.now < ready {
                try await Task.sleep(for: .milliseconds(50))
            }
            // Every thread of the child (the main one included) is sandboxed: no capabilities, no
            // new privileges, the seccomp filter (mode 2) and, as serve runs as root here (as in
            // CI), the uid and gid of nobody.
            let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(worker)/task")
            #expect(threads.contains("\(worker)"), "\(threads)")
            let nobody = try #require(getpwnam("nobody")).pointee
            for thread in threads {
                let status = ProcFS.text("/proc/\(worker)/task/\(thread)/status")
                let fields = Dictionary(
                    status.split(separator: "\n").map { line in
                        (String(line.prefix { $0 != ":" }), line.drop { $0 != ":" }.dropFirst().split(whereSeparator: \.isWhitespace).map(String.init))
                    }, uniquingKeysWith: { first, _ in first })
                #expect(fields["CapEff"] == ["0000000000000000"], "thread \(thread): \(status)")
                #expect(fields["NoNewPrivs"] == ["1"], "thread \(thread): \(status)")
                #expect(fields["Seccomp"] == ["2"], "thread \(thread): \(status)")
                if getuid() == 0 {
                    #expect(fields["Uid"] == Array(repeating: "\(nobody.pw_uid)", count: 4), "thread \(thread): \(status)")
                    #expect(fields["Gid"] == Array(repeating: "\(nobody.pw_gid)", count: 4), "thread \(thread): \(status)")
                    #expect(fields["Groups"] == [], "thread \(thread): \(status)")
                }
            }
        }
    }
}
