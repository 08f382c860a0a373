import ArgumentParser
import Foundation

/// `mediadaemon worker` (hidden): a media worker child of `serve`, talking over descriptor 3.
/// Not for people: `serve` starts it with a scrubbed environment and only that descriptor.
///
/// `MediaDaemonMain` runs it on the main thread before any other thread exists
/// (`runOnMainThread`); reached any other way, the sandbox refuses to start (it would not
/// cover the threads already running).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: a media worker process started by serve.", shouldDisplay: false)

    /// The descriptor `serve` hands its end of the socketpair on.
    static let channelDescriptor: Int32 = 3

    @Option(help: "RLIMIT_DATA in bytes.")
    var memoryLimit: UInt64 = 2 << 30

    @Flag(help: "Run without the seccomp filter.")
    var noSeccomp = false

    @Option(help: "Become this uid (with --gid) before anything else.")
    var uid: UInt32?

    @Option(help: "Become this gid.")
    var gid: UInt32?

    @Option(help: "This child's own folder, where its jobs' folders are made: with it, Landlock closes the file system but for it and a few read-only system paths.")
    var scratch: String?

    /// Parses `arguments` (after `worker`) and runs the child on the calling thread, which must
    /// be the process's only one. Never returns.
    static func runOnMainThread(_ arguments: [String]) -> Never {
        let command: WorkerCommand
        do {
            command = try parse(arguments)
        } catch {
            exit(withError: error)
        }
        command.start()
    }

    func run() { start() }

    /// Sets up the sandbox and serves jobs until the parent's end closes.
    private func start() -> Never {
        HeapRetention.keepImageBuffers()
        var sandbox = WorkerSandbox(memoryLimit: memoryLimit, seccomp: !noSeccomp, scratchRoot: scratch)
        if let uid, let gid { sandbox.identity = (uid, gid) }
        WorkerLoop(
            channel: WorkerChannel(descriptor: Self.channelDescriptor),
            fault: WorkerFault(ProcessInfo.processInfo.environment["MEDIADAEMON_TEST_FAULT"]),
            sandbox: sandbox
        ).run()
    }
}
