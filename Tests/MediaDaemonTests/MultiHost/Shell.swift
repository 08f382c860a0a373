import Foundation
import Testing

/// Runs shell scripts for the multi-host test: set-up steps that must succeed, and commands
/// inside a network namespace.
enum Shell {
    /// Runs `script` with `/bin/sh -c` (arguments as `$1`…); returns its result.
    @discardableResult
    static func run(_ script: String, _ arguments: [String] = [], in directory: URL) async throws -> ChildProcess.Result {
        try await ChildProcess("/bin/sh", ["-c", script, "sh"] + arguments, directory: directory).waitForExit()
    }

    /// Runs `script` and fails the test (throwing) when it exits non-zero.
    @discardableResult
    static func require(_ script: String, _ arguments: [String] = [], in directory: URL) async throws -> String {
        let result = try await run(script, arguments, in: directory)
        try #require(result.status == 0, "\(script) failed (\(result.status)): \(result.stderr)")
        return result.stdout
    }
}
