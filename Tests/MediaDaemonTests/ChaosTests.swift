import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Chaos: `serve` on the embedded cluster processes a few hundred distinct photos and a few
/// short videos, enqueued in batches, while the daemon is killed (SIGKILL) every few seconds, a
/// worker child now and then, and the PostgreSQL postmaster once. Afterwards nothing is lost:
/// every media is ready, every file its manifest names exists with its size and decodes, no
/// job is left queued or running, no temporary is left behind, and every restarted `serve`
/// bound its port at once.
///
/// `scripts/test` runs the bounded form below; `scripts/bench chaos` the long form, through
/// MEDIADAEMON_CHAOS_PHOTOS, _VIDEOS, _SECONDS (of kills) and _SEED.
@Suite("serve loses nothing under chaos", .serialized)
struct ChaosTests {
    /// How big the run is.
    struct Plan {
        var photos = 200
        var videos = 4
        var chaosSeconds = 45.0
        /// Seconds between two kills (uniform in this range).
        var pause = 2.0...4.0
        /// Every n-th kill takes a worker child instead of the daemon.
        var childEvery = 4
        var seed: UInt64 = 7

        static func fromEnvironment() -> Plan {
            let environment = ProcessInfo.processInfo.environment
            var plan = Plan()
            if let value = environment["MEDIADAEMON_CHAOS_PHOTOS"].flatMap(Int.init) { plan.photos = value }
            if let value = environment["MEDIADAEMON_CHAOS_VIDEOS"].flatMap(Int.init) { plan.videos = value }
            if let value = environment["MEDIADAEMON_CHAOS_SECONDS"].flatMap(Double.init) { plan.chaosSeconds = value }
            if let value = environment["MEDIADAEMON_CHAOS_SEED"].flatMap(UInt64.init) { plan.seed = value }
            return plan
        }
    }

    /// SplitMix64: a seeded generator, so a failing schedule can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// What the feeder and the killer share.
    final class Shared: Sendable {
        struct State {
            var paused = false
            var enqueuing = false
            var mediaIDs: Set<Int> = []
            var enqueueFailures = 0
        }
        let state = Mutex(State())
    }

    private let directory: URL
    private var data: String { directory.appendingPathComponent("state").path }

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/md-chaos-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The embedded cluster's postgres user must reach its folder.
        chmod(directory.path, 0o755)
    }

    private func run(_ executable: String, _ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(executable, arguments, directory: directory).waitForExit()
    }

    /// `photos` distinct JPEGs (frames of a moving test pattern) and `videos` short clips.
    private func makeInputs(_ plan: Plan) async throws -> [String] {
        let folder = directory.appendingPathComponent("in").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let photos = try await run(
            "/usr/bin/ffmpeg",
            ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25", "-frames:v", "\(plan.photos)",
             "-q:v", "5", folder + "/photo-%04d.jpg"])
        #expect(photos.status == 0, "\(photos.stderr)")
        var inputs = (1...max(1, plan.photos)).map { String(format: "\(folder)/photo-%04d.jpg", $0) }.prefix(plan.photos).map { $0 }
        let sources = ["testsrc2", "mandelbrot", "smptehdbars", "rgbtestsrc", "life", "cellauto"]
        for index in 0..<plan.videos {
            let path = "\(folder)/clip-\(index).mp4"
            let clip = try await run(
                "/usr/bin/ffmpeg",
                ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "\(sources[index % sources.count])=size=480x270:rate=25",
                 "-t", "\(2 + index % 3)", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path])
            #expect(clip.status == 0, "\(clip.stderr)")
            inputs.append(path)
        }
        return inputs
    }

    /// A `serve` on `port` (0: any) and the seconds it took to listen; nil when it did not.
    private func startServe(port: Int) async throws -> (daemon: ChildProcess, port: Int, seconds: Double) {
        let started = ContinuousClock.now
        let daemon = try DaemonProcess.start(
            ["serve", "--data", data, "--port", "\(port)", "--lease-seconds", "3", "--photo-workers", "2", "--video-workers", "1"],
            directory: directory)
        let listening = await daemon.waitForStderr(containing: "Server started and listening on")
        try #require(listening, "serve did not listen: \(daemon.stderr.suffix(3000))")
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let bound = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        return (daemon, bound, seconds)
    }

    private func httpStatus(_ url: String) async throws -> Int {
        let result = try await run("/usr/bin/curl", ["-s", "-o", "/dev/null", "--max-time", "2", "-w", "%{http_code}", url])
        return Int(result.stdout) ?? 0
    }

    private func mediaRows() async throws -> [[String: Any]] {
        let listed = try await DaemonProcess.run(["media", "list", "--data", data, "--limit", "100000"], directory: directory)
        #expect(listed.status == 0, "\(listed.stderr)")
        return listed.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The postmaster's pid, from the first line of its pid file in the embedded cluster.
    private func postmasterPID() -> pid_t? {
        let text = (try? String(contentsOfFile: data + "/pg/data/postmaster.pid", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first.flatMap { pid_t($0) }
    }

    /// Enqueues `inputs` in batches, retrying a batch the database refused (exact duplicates
    /// of a half-done batch come back as the same media), pausing while `shared` says so.
    private func feed(_ inputs: [String], batches: Int, every pause: Duration, shared: Shared) async throws {
        let size = max(1, (inputs.count + batches - 1) / batches)
        for start in stride(from: 0, to: inputs.count, by: size) {
            let batch = Array(inputs[start..<min(start + size, inputs.count)])
            while true {
                let go = shared.state.withLock { state -> Bool in
                    if state.paused { return false }
                    state.enqueuing = true
                    return true
                }
                if !go {
                    try await Task.sleep(for: .milliseconds(100))
                    continue
                }
                let result = try await DaemonProcess.run(["enqueue", "--data", data] + batch, directory: directory)
                let ids = result.stdout.split(separator: "\n").compactMap {
                    ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["media_id"] as? Int
                }
                let done = result.status == 0 && ids.count == batch.count
                shared.state.withLock {
                    $0.enqueuing = false
                    if done { $0.mediaIDs.formUnion(ids) } else { $0.enqueueFailures += 1 }
                }
                if done { break }
                try await Task.sleep(for: .milliseconds(300))
            }
            try await Task.sleep(for: pause)
        }
    }

    @Test func nothingIsLostWhileTheDaemonItsWorkersAndItsDatabaseAreKilled() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = Plan.fromEnvironment()
        let inputs = try await makeInputs(plan)
        var generator = Generator(state: plan.seed)
        let shared = Shared()

        let first = try await startServe(port: 0)
        var serve = first.daemon
        let port = first.port
        var binds = [first.seconds]
        var logs: [String] = []
        var stopped = false
        defer {
            // On a failure: nothing of the run may outlive the test (serve first, or it would
            // restart the cluster).
            if !stopped { serve.signal(SIGKILL) }
            if let postmaster = postmasterPID() { kill(postmaster, SIGINT) }
        }
        let batches = 12
        let feeder = Task {
            try await feed(inputs, batches: batches, every: .seconds(plan.chaosSeconds * 0.8 / Double(batches)), shared: shared)
        }

        // The killer.
        var daemonKills = 0, childKills = 0, cycle = 0
        var postmasterReadySeconds: Double?, postmasterResumeSeconds: Double?
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(plan.chaosSeconds) {
            try await Task.sleep(for: .seconds(Double.random(in: plan.pause, using: &generator)))
            cycle += 1
            if postmasterReadySeconds == nil, clock.now - start > .seconds(plan.chaosSeconds / 2) {
                // Once: the postmaster, while serve runs. No CLI meanwhile (it could start the
                // cluster itself and hide whether serve restarts it).
                shared.state.withLock { $0.paused = true }
                while shared.state.withLock({ $0.enqueuing }) { try await Task.sleep(for: .milliseconds(50)) }
                let readyBefore = try await mediaRows().filter { $0["status"] as? String == "ready" }.count
                let postmaster = try #require(postmasterPID())
                let killed = clock.now
                kill(postmaster, SIGKILL)
                while try await httpStatus("http://127.0.0.1:\(port)/readyz") != 200 {
                    try #require(clock.now - killed < .seconds(60), "serve did not recover its cluster: \(serve.stderr.suffix(3000))")
                    try await Task.sleep(for: .milliseconds(100))
                }
                postmasterReadySeconds = (clock.now - killed) / .seconds(1)
                #expect(postmasterPID() != postmaster)
                shared.state.withLock { $0.paused = false }
                while try await mediaRows().filter({ $0["status"] as? String == "ready" }).count <= readyBefore {
                    try #require(clock.now - killed < .seconds(120), "processing did not resume after the postmaster kill")
                    try await Task.sleep(for: .milliseconds(200))
                }
                postmasterResumeSeconds = (clock.now - killed) / .seconds(1)
                continue
            }
            if cycle % plan.childEvery == 0, let child = ProcFS.workers(of: serve.pid).randomElement(using: &generator) {
                kill(child, SIGKILL)
                childKills += 1
                continue
            }
            serve.signal(SIGKILL)
            let exit = await serve.waitForExit()
            #expect(exit.status == 128 + SIGKILL)
            logs.append(exit.stderr)
            daemonKills += 1
            let restarted = try await startServe(port: port)
            serve = restarted.daemon
            binds.append(restarted.seconds)
            #expect(restarted.port == port)
        }
        try await feeder.value

        // Drain: every input's media settles.
        let expected = shared.state.withLock { $0.mediaIDs }
        #expect(expected.count == inputs.count, "distinct inputs became \(expected.count) media")
        var rows: [[String: Any]] = []
        let drained = clock.now
        while true {
            rows = try await mediaRows()
            let settled = !rows.contains { $0["status"] as? String == "processing" }
            if settled && rows.count >= expected.count { break }
            try #require(clock.now - drained < .seconds(120 + inputs.count / 2), "still processing: \(rows.filter { $0["status"] as? String == "processing" }.count)")
            try await Task.sleep(for: .milliseconds(500))
        }
        let notReady = rows.filter { $0["status"] as? String != "ready" }
        #expect(notReady.isEmpty, "\(notReady.prefix(5))")
        #expect(Set(rows.compactMap { $0["id"] as? Int }) == expected)

        // No job queued or running; the attempts the kills cost.
        let listed = try await DaemonProcess.run(["jobs", "list", "--data", data, "--limit", "100000", "--json"], directory: directory)
        let jobs = try #require((try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]], "\(listed.stderr)")
        let media = jobs.filter { ($0["kind"] as? String)?.hasPrefix("media.") == true }
        let open = media.filter { ["available", "running"].contains($0["state"] as? String ?? "") }
        #expect(open.isEmpty, "\(open.prefix(3))")
        let retries = media.reduce(0) { $0 + max(0, ($1["attempts"] as? Int ?? 1) - 1) }
        let codes = media.flatMap { ($0["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        let crashes = codes.filter { $0 == "worker_crashed" }.count

        serve.signal(SIGTERM)
        let last = await serve.waitForExit()
        stopped = true
        #expect(last.status == 0, "\(last.stderr.suffix(2000))")
        logs.append(last.stderr)
        #expect(!logs.contains { $0.contains("Address already in use") })

        // Every file each manifest names exists with its size and decodes.
        var files: [String] = []
        for row in rows {
            let manifest = try #require(row["manifest"] as? [String: Any], "\(row)")
            let prefix = try #require(manifest["store_prefix"] as? String)
            for (path, bytes) in Self.namedFiles(in: manifest) {
                let stored = "\(data)/store/\(prefix)/\(path)"
                let size = (try? FileManager.default.attributesOfItem(atPath: stored))?[.size] as? Int
                #expect(size == bytes, "\(stored)")
                files.append(stored)
            }
            if let hls = manifest["hls"] as? String { files.append("\(data)/store/\(prefix)/\(hls)") }
        }
        for chunk in stride(from: 0, to: files.count, by: 40).map({ Array(files[$0..<min($0 + 40, files.count)]) }) {
            let inputs = chunk.flatMap { ["-i", $0] }
            let maps = chunk.indices.flatMap { ["-map", "\($0)"] }
            let decoded = try await run("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-xerror"] + inputs + maps + ["-f", "null", "-"])
            #expect(decoded.status == 0 && decoded.stderr.isEmpty, "\(decoded.stderr.prefix(2000))")
        }

        // No leftovers: store temporaries, spool files, scratch directories.
        let leftovers = try Self.leftovers(under: data)
        #expect(leftovers.isEmpty, "\(leftovers.prefix(10))")

        print(
            """
            chaos: \(inputs.count) uploads (\(plan.photos) photos, \(plan.videos) videos) in \(batches) batches, \
            \(daemonKills) daemon kills, \(childKills) child kills, 1 postmaster kill; \(crashes) crashes attributed, \
            \(retries) retries, \(shared.state.withLock { $0.enqueueFailures }) enqueue retries; \
            bind after restart max \(String(format: "%.2f", binds.max() ?? 0)) s; \
            after the postmaster kill /readyz 200 in \(String(format: "%.2f", postmasterReadySeconds ?? -1)) s, \
            processing resumed in \(String(format: "%.2f", postmasterResumeSeconds ?? -1)) s
            """)
        #expect(postmasterReadySeconds != nil)
        _ = try await DaemonProcess.run(["db", "stop", "--data", data], directory: directory)
    }

    /// Every `path` with a `bytes` size anywhere in a manifest.
    static func namedFiles(in value: Any) -> [(String, Int)] {
        if let object = value as? [String: Any] {
            var found: [(String, Int)] = []
            if let path = object["path"] as? String, let bytes = object["bytes"] as? Int { found.append((path, bytes)) }
            for (key, child) in object where key != "input" { found += namedFiles(in: child) }
            return found
        }
        if let array = value as? [Any] { return array.flatMap { namedFiles(in: $0) } }
        return []
    }

    /// `.tmp-*` files in the store under the data directory `data` (the owners' lock folder
    /// aside): none may remain once no put is in flight.
    static func storeTemporaries(under data: String) -> [String] {
        let store = FileManager.default.enumerator(atPath: data + "/store")?.compactMap { $0 as? String } ?? []
        return store.filter { path in
            let name = (path as NSString).lastPathComponent
            return name.hasPrefix(".tmp-") && name != ".tmp-owners" && !path.hasPrefix(".tmp-owners/")
        }
    }

    /// Temporaries a killed process left: `.tmp-*` files in the store (the owners' lock folder
    /// aside), spool files, scratch directories.
    static func leftovers(under data: String) throws -> [String] {
        let manager = FileManager.default
        var found = storeTemporaries(under: data)
        for folder in ["uploads", "scratch"] {
            let names = (try? manager.contentsOfDirectory(atPath: "\(data)/\(folder)")) ?? []
            found += names.filter { $0 != ".tmp-owners" }.map { "\(folder)/\($0)" }
        }
        return found
    }
}
