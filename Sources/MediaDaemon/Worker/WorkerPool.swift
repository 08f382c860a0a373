import Dispatch
import Foundation
import Glibc
import Logging
import Metrics
import Platform
import Synchronization
import WorkerWire

/// The worker children of `serve`: idle ones wait for the next job (libvips and FFmpeg stay
/// initialised), a lane thread takes one for one job and gives it back.
///
/// A child that dies holding a job is reaped and replaced by a fresh one on the next job;
/// when children keep dying, new ones start after a growing delay (up to `maximumBackoff`).
final class WorkerPool: Sendable {
    /// How children are started.
    struct Configuration: Sendable {
        /// The executable the children run (`mediadaemon`), normally this process's own.
        var executable: String
        /// The children's whole environment: nothing of serve's (no DATABASE_URL, no keys).
        var environment: [String: String]
        /// RLIMIT_DATA of each child, in bytes (`--worker-memory`).
        var memoryLimit: UInt64 = 2 << 30
        /// The seccomp filter (`--no-worker-seccomp` turns it off).
        var seccomp = true
        /// A fixed time budget for every job (`--worker-job-timeout`), in place of the one
        /// `WorkerWatchdog.budget` derives from the kind, the input's size and the preset.
        var jobTimeout: Duration? = nil
        /// How long a job's progress may stand still before its child is killed
        /// (`--worker-stall-timeout`; the queue's stall timeout by default).
        var stallTimeout: Duration = WorkerWatchdog.defaultStallWindow

        /// The watchdog for a job of `kind` on an input of `inputBytes` under `presets`.
        func watchdog(kind: String, inputBytes: Int64, presets: MediaJob.Presets) -> WorkerWatchdog {
            WorkerWatchdog(
                budget: jobTimeout ?? WorkerWatchdog.budget(kind: kind, inputBytes: inputBytes, presets: presets),
                stallWindow: stallTimeout)
        }

        /// The account children run as (serve runs as root), or nil to keep serve's.
        var user: WorkerUser? = nil
        /// The folder each child gets a folder of its own in (`WorkerScratch`): the one
        /// writable path under that child's Landlock ruleset. nil runs the children without
        /// Landlock and without folders of their own (`--no-worker-landlock`).
        var scratchRoot: String? = nil

        /// The child's arguments after the executable; `scratch` is its own folder.
        func arguments(scratch: String?) -> [String] {
            ["worker", "--memory-limit", "\(memoryLimit)"] + (seccomp ? [] : ["--no-seccomp"])
                + (user.map { ["--uid", "\($0.uid)", "--gid", "\($0.gid)"] } ?? []) + (scratch.map { ["--scratch", $0] } ?? [])
        }

        /// This executable, with the scrubbed environment; `testFault` is passed on as
        /// `MEDIADAEMON_TEST_FAULT` (tests only).
        static func current(testFault: String? = nil) -> Configuration {
            var environment = ["SWIFT_BACKTRACE": "enable=no", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"]
            if let testFault { environment["MEDIADAEMON_TEST_FAULT"] = testFault }
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
            return Configuration(executable: executable, environment: environment)
        }
    }

    /// Metric: children that died holding a job, by `cause` (`SIGSEGV`, `exit 1`…).
    static let crashesMetric = "mediadaemon_worker_crashes_total"
    static let maximumBackoff: Duration = .seconds(5)

    let configuration: Configuration
    private let metrics: any MetricsFactory
    private let idle = Mutex<[WorkerProcess]>([])
    /// Every child is started from this one thread, which lives as long as serve: the kernel
    /// sends PR_SET_PDEATHSIG when the *thread* that forked a child ends.
    private let spawner = WorkerSpawner()
    /// Crashes in a row (reset by a job a child finished), for the start-up backoff.
    private let crashesInARow = Mutex(0)
    /// Children started so far (numbers their scratch folders).
    private let childrenStarted = Mutex(0)
    /// Children that died holding a job since serve started.
    private let crashes = Mutex(0)

    init(configuration: Configuration, metrics: any MetricsFactory) {
        self.configuration = configuration
        self.metrics = metrics
        spawner.start { [unowned self] in try spawn() }
    }

    /// Runs `job` on an idle child or a new one, under `watchdog`, in a new folder of that
    /// child's own scratch folder named as `scratch` is, moved to `scratch` once the child
    /// answered (before it can take another job). `scratch` must not exist yet, and be on the
    /// file system of the pool's `scratchRoot`.
    ///
    /// Throws `WorkerCrash` when the child died holding it or the watchdog killed it (its
    /// folder is gone with it), or the context's cancellation.
    func run(
        _ job: WorkerJob, input: Int32, in scratch: URL, context: some WorkerJobContext, watchdog: WorkerWatchdog
    ) throws -> WorkerProcess.Reply {
        let worker = try takeIdle() ?? start()
        let folder = WorkerScratch.jobFolder(for: scratch, in: worker.scratch)
        var job = job
        job.scratchDirectory = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // The child writes here as the worker account; serve, as root, still publishes and removes it.
            try configuration.user?.own(folder)
        } catch {
            idle.withLock { $0.append(worker) }
            throw error
        }
        do {
            let reply = try worker.run(job, input: input, context: context, watchdog: watchdog)
            crashesInARow.withLock { $0 = 0 }
            // Out of the child's reach before it is handed its next job.
            let moved = folder == scratch.path || rename(folder, scratch.path) == 0
            let failure = moved ? nil : String(cString: strerror(errno))
            if !moved { try? FileManager.default.removeItem(atPath: folder) }
            idle.withLock { $0.append(worker) }
            if let failure {
                throw MediaFailure.internalError("moving \(folder) to \(scratch.path) failed: \(failure)")
            }
            return reply
        } catch let crash as WorkerCrash {
            crashesInARow.withLock { $0 += 1 }
            crashes.withLock { $0 += 1 }
            Counter(label: Self.crashesMetric, dimensions: [("cause", crash.cause)], factory: metrics).increment()
            replace()
            throw crash
        } catch {
            // An ordered kill (cancel): the child is gone, and it is not the input's fault.
            throw error
        }
    }

    /// Retires every idle child (they exit at end-of-stream) and reaps it.
    func shutdown() {
        let workers = idle.withLock { workers in
            defer { workers.removeAll() }
            return workers
        }
        workers.forEach { $0.retire() }
    }

    /// An idle child whose scratch folder is still the one its Landlock rule holds; others
    /// (their folder was swept while they waited) are retired.
    private func takeIdle() -> WorkerProcess? {
        while let worker = idle.withLock({ $0.popLast() }) {
            if worker.scratchIsIntact { return worker }
            worker.retire()
        }
        return nil
    }

    /// The pids of the idle children (for tests and logs).
    var idlePIDs: [pid_t] { idle.withLock { $0.map(\.pid) } }

    /// The children as the operator page shows them: "children: 5 started, 2 idle, 1 crashed".
    var summary: String {
        "children: \(childrenStarted.withLock { $0 }) started, \(idle.withLock { $0.count }) idle, \(crashes.withLock { $0 }) crashed"
    }

    /// Starts a child in place of one that died, on the spawning thread (after the backoff),
    /// so the next job finds it ready.
    private func replace() {
        spawner.request { [self] result in
            guard case .success(let worker) = result else { return }
            idle.withLock { $0.append(worker) }
        }
    }

    /// A new child, started on the spawning thread.
    private func start() throws -> WorkerProcess {
        let started = Mutex<Result<WorkerProcess, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        spawner.request { result in
            started.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let result = started.withLock({ $0 }) else { preconditionFailure("signalled without a result") }
        return try result.get()
    }

    /// Runs on the spawning thread only.
    private func spawn() throws -> WorkerProcess {
        let crashes = crashesInARow.withLock { $0 }
        if crashes > 1 {
            // Children keep dying: don't spin. 100 ms, 200 ms… up to maximumBackoff.
            let delay = min(Duration.milliseconds(100) * (1 << min(crashes - 2, 10)), Self.maximumBackoff)
            Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        }
        var environment = configuration.environment
        // serve's libvips thread choice (LibvipsThreads), set after the configuration was made.
        if let concurrency = getenv("VIPS_CONCURRENCY") { environment["VIPS_CONCURRENCY"] = String(cString: concurrency) }
        let number = childrenStarted.withLock { started in
            defer { started += 1 }
            return started
        }
        let scratch = try configuration.scratchRoot.map {
            try WorkerScratch.makeChildFolder(in: $0, number: number, user: configuration.user)
        }
        do {
            return try WorkerProcess.spawn(
                executable: configuration.executable, arguments: configuration.arguments(scratch: scratch),
                environment: environment, scratch: scratch)
        } catch {
            if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
            throw error
        }
    }
}
