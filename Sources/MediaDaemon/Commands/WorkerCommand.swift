import ArgumentParser
import Foundation

/// `mediadaemon worker` (hidden): a media worker child of `serve`, talking over descriptor 3.
/// Not for people: `serve` starts it with a scrubbed environment and only that descriptor.
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

    @Option(help: "Folder of the jobs' scratch folders: with it, Landlock closes the file system but for it and a few read-only system paths.")
    var scratch: String?

    func run() throws {
        var sandbox = WorkerSandbox(memoryLimit: memoryLimit, seccomp: !noSeccomp, scratchRoot: scratch)
        if let uid, let gid { sandbox.identity = (uid, gid) }
        WorkerLoop(
            channel: WorkerChannel(descriptor: Self.channelDescriptor),
            fault: WorkerFault(ProcessInfo.processInfo.environment["MEDIADAEMON_TEST_FAULT"]),
            sandbox: sandbox
        ).run()
    }
}
