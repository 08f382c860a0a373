import CDispatch  // `struct stat` and `timespec` are attributed to CDispatch under MemberImportVisibility
import CSpawnShim
import Dispatch
import Foundation
import Glibc
import Platform
import WorkerWire

/// One worker child as the parent sees it: its pid and the parent's end of the socketpair.
///
/// Used by one lane thread at a time (the pool hands it out and takes it back).
struct WorkerProcess: Sendable {
    /// What a finished job sent back.
    enum Reply: Sendable {
        case manifest(Data, pdqDihedral: [String]?)
        case failure(WorkerFailure)
    }

    let pid: pid_t
    let channel: WorkerChannel
    /// The child's own scratch folder (`WorkerScratch`), removed once the child is gone; nil
    /// when it has none (Landlock off).
    var scratch: String? = nil
    /// The device and inode `scratch` had when the child started: its Landlock rule holds that
    /// folder, not one made later at the same path.
    private var scratchIdentity: (device: UInt64, inode: UInt64)? = nil

    /// How long a child gets to stop after a cancel before the parent kills it.
    static let cancelGrace: Duration = .seconds(10)

    /// Starts `executable worker` with only the channel (descriptor 3), /dev/null on 0, the
    /// parent's stdout and stderr, default signal handling and `environment` alone.
    /// Returns once the child said it is ready (start-up over, sandbox in place); a child that
    /// dies or stays silent for `startTimeout` is a failed start, not any job's crash.
    /// `scratch` is the child's own folder, named in `arguments`; it is removed with the child.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], scratch: String? = nil
    ) throws -> WorkerProcess {
        let (parentEnd, childEnd) = try WorkerChannel.pair()
        defer { childEnd.close() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, childEnd.descriptor, WorkerCommand.channelDescriptor)
        // Every other descriptor of serve (listening socket, database, store files) stays behind.
        md_spawn_close_from(&actions, WorkerCommand.channelDescriptor + 1)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            parentEnd.close()
            throw MediaFailure.internalError("could not start a worker (\(executable)): \(String(cString: strerror(spawned)))")
        }
        var worker = WorkerProcess(pid: pid, channel: parentEnd)
        worker.scratch = scratch
        worker.scratchIdentity = scratch.flatMap(WorkerScratch.identity(of:))
        guard worker.channel.waitReadable(timeoutMilliseconds: startTimeoutMilliseconds),
            case .message(.ready, nil)? = try? worker.channel.receive()
        else {
            worker.stop()
            throw MediaFailure.internalError("a worker process did not start (\(executable) \(arguments.joined(separator: " ")))")
        }
        return worker
    }

    /// How long a new child gets to say it is ready.
    static let startTimeoutMilliseconds: Int32 = 30_000

    /// Hands `job` and the open `input` to the child and waits for its reply, relaying progress
    /// into `context` and a cancel from it.
    ///
    /// Throws `WorkerCrash` when the child dies holding the job (it is reaped) or when
    /// `watchdog` kills it (over its budget or stalled: `killedBy` says which), or the
    /// context's cancellation after killing a child that did not stop in `cancelGrace` (an
    /// ordered kill, not a crash; the watchdog stands down once a cancel was sent).
    func run(_ job: WorkerJob, input: Int32, context: some WorkerJobContext, watchdog: WorkerWatchdog) throws -> Reply {
        var stage = "handover"
        do {
            try channel.send(.job(job), attaching: input)
        } catch {
            // The child was gone before it saw the job: not the input's doing.
            let gone = reap(stage: stage, detail: "gone before the handover")
            throw JobFailure.transient("worker_unavailable", gone.description)
        }
        var cancelledAt: ContinuousClock.Instant?
        var watch = WorkerWatchdog.Watch(watchdog, started: .now)
        while true {
            if context.isCancelled, cancelledAt == nil {
                try? channel.send(.cancel)
                cancelledAt = .now
            }
            if let cancelledAt, ContinuousClock.now - cancelledAt > Self.cancelGrace {
                stop()
                try context.checkCancellation()
            }
            if cancelledAt == nil, let verdict = watch.verdict(at: .now) {
                var killed = reap(stage: stage, detail: "killed by the watchdog (\(watchdog.description))", kill: true)
                killed.killedBy = verdict
                throw killed
            }
            guard channel.waitReadable(timeoutMilliseconds: 200) else { continue }
            let received: WorkerChannel.Received
            do {
                received = try channel.receive()
            } catch {
                throw reap(stage: stage, detail: "protocol violation: \(error)", kill: true)
            }
            switch received {
            case .closed:
                throw reap(stage: stage, detail: "channel closed")
            case .message(.progress(let fraction, let reported), _):
                stage = String(reported.prefix(64))
                watch.observe(fraction: fraction, stage: stage, at: .now)
                context.reportProgress(fraction.isFinite ? fraction * 0.9 : 0, stage: stage)
            case .message(.result(let manifest, let pdqDihedral), _):
                return .manifest(manifest, pdqDihedral: pdqDihedral)
            case .message(.failure(let failure), _):
                return .failure(failure)
            case .message(let other, let descriptor):
                if let descriptor { close(descriptor) }
                throw reap(stage: stage, detail: "protocol violation: unexpected \(other)", kill: true)
            }
        }
    }

    /// An ordered stop (cancel, shutdown, idle child no longer wanted): kill and reap. Never a crash.
    func stop() {
        kill(pid, SIGKILL)
        channel.close()
        _ = Self.wait(pid)
        removeScratch()
    }

    /// Closes the channel: an idle child exits by itself on end-of-stream. Then reaps it.
    func retire() {
        channel.close()
        _ = Self.wait(pid)
        removeScratch()
    }

    /// False when the child's scratch folder is gone or was replaced (a sweep removed it while
    /// the child was idle): its Landlock rule no longer covers any folder a job could use.
    var scratchIsIntact: Bool {
        guard let scratch else { return true }
        guard let now = WorkerScratch.identity(of: scratch), let then = scratchIdentity else { return false }
        return now == then
    }

    /// Removes the scratch folder of a child that is gone (reaped), with any job's files in it.
    private func removeScratch() {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Reaps a child that broke: gives a dying one a moment to finish dying (its status is the
    /// cause), then kills it.
    private func reap(stage: String, detail: String, kill killFirst: Bool = false) -> WorkerCrash {
        channel.close()
        var status: Int32 = 0
        if killFirst { kill(pid, SIGKILL) }
        let deadline = ContinuousClock.now + .seconds(2)
        var reaped = waitpid(pid, &status, WNOHANG)
        while reaped == 0, ContinuousClock.now < deadline {
            var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            nanosleep(&pause, nil)
            reaped = waitpid(pid, &status, WNOHANG)
        }
        if reaped == 0 {
            kill(pid, SIGKILL)
            status = Self.wait(pid) ?? 0
        }
        removeScratch()
        let signal = status & 0x7f
        return WorkerCrash(
            signal: signal != 0 ? signal : nil, exitStatus: signal == 0 ? (status >> 8) & 0xff : nil, stage: stage,
            detail: detail)
    }

    private static func wait(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return nil }
        }
        return status
    }
}
