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

    func run() throws {
        WorkerLoop(
            channel: WorkerChannel(descriptor: Self.channelDescriptor),
            fault: WorkerFault(ProcessInfo.processInfo.environment["MEDIADAEMON_TEST_FAULT"]),
            sandbox: WorkerSandbox(memoryLimit: memoryLimit, seccomp: !noSeccomp)
        ).run()
    }
}
