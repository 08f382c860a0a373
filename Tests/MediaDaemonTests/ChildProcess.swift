import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for end-to-end tests, spawned with `posix_spawn` and reaped with a blocking
/// `waitpid` on a thread of its own. (Foundation's `Process` lost track of exited children in
/// this test process, leaving tests waiting on zombies.)
final class ChildProcess: Sendable {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Output read so far, shared with the reader threads.
    private final class Buffer: Sendable {
        let data = Mutex<(stdout: Data, stderr: Data, open: Int)>((Data(), Data(), 2))
    }

    let pid: pid_t
    private let buffer = Buffer()
    private let updates: AsyncStream<Void>
    private let exitStatus: AsyncStream<Int32>

    init(_ executable: String, _ arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        // Close-on-exec, so no process spawned meanwhile by another test (a cluster's server
        // above all) inherits a write end and keeps the reader from seeing end-of-file.
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw POSIXError(.EMFILE) }
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        for fd in out + err { posix_spawn_file_actions_addclose(&actions, fd) }

        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        env.removeValue(forKey: "MEDIADAEMON_DATA")
        env.merge(environment) { $1 }
        // `env -C` sets the child's working directory (glibc's addchdir_np is not visible to Swift).
        let argv = (["/usr/bin/env", "-C", directory.path, executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/usr/bin/env", &actions, nil, argv, envp)
        close(out[1])
        close(err[1])
        guard spawned == 0 else {
            close(out[0])
            close(err[0])
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT)
        }
        pid = child
        let childPID = child

        let (updates, notify) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (exitStatus, exitContinuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.updates = updates
        self.exitStatus = exitStatus
        let buffer = self.buffer
        for (fd, isStdout) in [(out[0], true), (err[0], false)] {
            Thread.detachNewThread {
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(fd, &chunk, chunk.count)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    let data = Data(chunk[0..<count])
                    buffer.data.withLock { if isStdout { $0.stdout.append(data) } else { $0.stderr.append(data) } }
                    notify.yield()
                }
                close(fd)
                let allClosed = buffer.data.withLock { state -> Bool in
                    state.open -= 1
                    return state.open == 0
                }
                notify.yield()
                if allClosed { notify.finish() }
            }
        }
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(childPID, &status, 0) == -1 && errno == EINTR {}
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            exitContinuation.yield(code)
            exitContinuation.finish()
        }
    }

    var stdout: String { buffer.data.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { buffer.data.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Waits until standard error contains `text`; false if the output ends first.
    func waitForStderr(containing text: String) async -> Bool {
        await waitForOutput { stderr.contains(text) }
    }

    /// Waits until `done` holds of the output so far; false if the output ends first.
    func waitForOutput(until done: () -> Bool) async -> Bool {
        if done() { return true }
        for await _ in updates where done() { return true }
        return done()
    }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the exit and for both output pipes to close.
    func waitForExit() async -> Result {
        var status: Int32 = -1
        for await code in exitStatus { status = code }
        for await _ in updates {}
        return Result(status: status, stdout: stdout, stderr: stderr)
    }
}

/// The `mediadaemon` binary built next to this test bundle.
enum DaemonProcess {
    static let binary = sibling("mediadaemon")

    /// The path of the executable `name` built beside this test binary.
    static func sibling(_ name: String) -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Starts `mediadaemon arguments…` in `directory`.
    static func start(_ arguments: [String], directory: URL, environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(binary, arguments, directory: directory, environment: environment)
    }

    /// Runs `mediadaemon arguments…` to completion.
    static func run(_ arguments: [String], directory: URL, environment: [String: String] = [:]) async throws -> ChildProcess.Result {
        try await start(arguments, directory: directory, environment: environment).waitForExit()
    }
}

extension ChildProcess {
    /// Makes `name` in `directory` with the ffmpeg CLI (`arguments` come before the output
    /// path) and returns its path; a failure is recorded with ffmpeg's message.
    static func ffmpeg(making name: String, in directory: URL, _ arguments: [String]) async throws -> String {
        let path = directory.appendingPathComponent(name).path
        let result = try await ChildProcess(
            "/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y"] + arguments + [path], directory: directory
        ).waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }
}
