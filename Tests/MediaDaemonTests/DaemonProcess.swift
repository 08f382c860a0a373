import Foundation
import Synchronization

/// Runs the built `mediadaemon` binary in a child process, for end-to-end CLI tests.
final class DaemonProcess: Sendable {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `mediadaemon` binary built next to this test bundle.
    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("mediadaemon")
    }()

    private let process: Process
    private let output = Mutex<(stdout: Data, stderr: Data)>((Data(), Data()))
    private let updates: AsyncStream<Void>
    private let notify: AsyncStream<Void>.Continuation
    private let exited: AsyncStream<Int32>

    /// Starts `mediadaemon arguments…` in `directory` with `environment` added to ours.
    init(_ arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        env.removeValue(forKey: "MEDIADAEMON_DATA")
        env.merge(environment) { $1 }
        process.environment = env
        (updates, notify) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (exited, exitContinuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.exited = exited
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let notify = self.notify
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.withLock { $0.stdout.append(data) }
            notify.yield()
        }
        err.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.withLock { $0.stderr.append(data) }
            notify.yield()
        }
        process.terminationHandler = { process in
            exitContinuation.yield(process.terminationStatus)
            exitContinuation.finish()
        }
        try process.run()
    }

    /// Runs to completion and returns status and output.
    static func run(_ arguments: [String], directory: URL, environment: [String: String] = [:]) async throws -> Result {
        let daemon = try DaemonProcess(arguments, directory: directory, environment: environment)
        return await daemon.waitForExit()
    }

    var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
    var stdout: String { output.withLock { String(decoding: $0.stdout, as: UTF8.self) } }

    /// Waits until standard error contains `text`; false if the process exits first.
    func waitForStderr(containing text: String) async -> Bool {
        for await _ in updates {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
        }
        return stderr.contains(text)
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    func waitForExit() async -> Result {
        var status: Int32 = -1
        for await code in exited { status = code }
        // Let the pipes drain what the child wrote before it exited.
        (process.standardOutput as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        (process.standardError as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        let restOut = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        let restErr = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        output.withLock {
            $0.stdout.append(restOut)
            $0.stderr.append(restErr)
        }
        notify.finish()
        return Result(status: status, stdout: stdout, stderr: stderr)
    }
}
