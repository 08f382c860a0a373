import Foundation
import Testing

/// `serve` refuses environment values it cannot use, before it starts anything.
@Suite("serve settings")
struct ServeSettingsTests {
    @Test(arguments: ["80x", "70000", "-1"])
    func aBadPortInTheEnvironmentIsAnErrorNamingTheVariable(port: String) async throws {
        let directory = URL(fileURLWithPath: "/tmp/md-set-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await DaemonProcess.run(
            ["serve", "--data", directory.appendingPathComponent("state").path], directory: directory,
            environment: ["MEDIADAEMON_PORT": port])
        #expect(result.status == 64, "a usage error")
        #expect(result.stderr.contains("MEDIADAEMON_PORT must be an integer 0...65535, not \(port)"), "\(result.stderr)")
        // Refused before the embedded cluster was created.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/pg").path))
    }

    @Test(arguments: ["soon", "59"])
    func aBadOriginalGraceInTheEnvironmentIsAnErrorNamingTheVariable(grace: String) async throws {
        let directory = URL(fileURLWithPath: "/tmp/md-set-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await DaemonProcess.run(
            ["serve", "--data", directory.appendingPathComponent("state").path], directory: directory,
            environment: ["MEDIADAEMON_ORIGINAL_GRACE": grace])
        #expect(result.status == 64, "a usage error")
        #expect(result.stderr.contains("MEDIADAEMON_ORIGINAL_GRACE must be an integer 60...31536000"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/pg").path))
    }

    @Test func aMissingPresetDirectoryIsAnError() async throws {
        let directory = URL(fileURLWithPath: "/tmp/md-set-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await DaemonProcess.run(
            ["serve", "--data", directory.appendingPathComponent("state").path, "--presets", "/nonexistent-presets"],
            directory: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent-presets"), "\(result.stderr)")
    }

    @Test(arguments: ["0,5", "5", "a,b", "5,-1"])
    func aBadRateLimitFlagIsAUsageError(limit: String) async throws {
        let directory = URL(fileURLWithPath: "/tmp/md-set-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await DaemonProcess.run(
            ["serve", "--data", directory.appendingPathComponent("state").path, "--login-limit", limit],
            directory: directory)
        #expect(result.status == 64, "a usage error")
        #expect(result.stderr.contains("BURST,PER_MINUTE"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/pg").path))
    }
}
