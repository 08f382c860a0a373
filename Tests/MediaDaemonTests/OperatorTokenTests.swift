import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The operator token's sources (a file only its owner can read, or the environment; never a
/// flag's value), `--admin-port`, and the `users` command that grants the role.
@Suite("serve: operator token and admin port")
struct OperatorTokenTests {
    private static func scratch() throws -> URL {
        let directory = URL(fileURLWithPath: "/tmp/md-op-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aTokenFileOthersCanReadIsRefusedBeforeAnythingStarts() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("token").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("a-long-enough-operator-token\n".utf8)))
        #expect(chmod(file, 0o644) == 0)
        let result = try await DaemonProcess.run(
            ["serve", "--data", directory.appendingPathComponent("state").path, "--operator-token-file", file],
            directory: directory)
        #expect(result.status == 64, "a usage error: \(result.stderr)")
        #expect(result.stderr.contains("readable by other users"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/pg").path))
    }

    @Test func aShortTokenInTheEnvironmentIsRefused() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await DaemonProcess.run(
            ["serve", "--data", directory.appendingPathComponent("state").path], directory: directory,
            environment: ["MEDIADAEMON_OPERATOR_TOKEN": "short"])
        #expect(result.status == 64, "a usage error: \(result.stderr)")
        #expect(result.stderr.contains("at least 16 characters"), "\(result.stderr)")
    }

    @Test func grantingTheOperatorRoleToAnUnknownUserFails() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await DaemonProcess.run(
            ["users", "grant-operator", "nobody_here", "--data", directory.appendingPathComponent("state").path],
            directory: directory)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no user nobody_here"), "\(result.stderr)")
    }

    @Test func theAdminPortServesTheOperatorPageAndTheAPIPortNoLonger() async throws {
        let harness = try ServeHarness(prefix: "md-admin-port")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let file = harness.directory.appendingPathComponent("token").path
        let token = "operator-token-from-a-file-0123"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("\(token)\n".utf8), attributes: [.posixPermissions: 0o600]))
        let daemon = try DaemonProcess.start(
            ["serve", "--data", harness.data, "--port", "0", "--admin-port", "0", "--photo-workers", "1", "--operator-token-file", file],
            directory: harness.directory)
        defer { daemon.signal(SIGTERM) }
        func ports() -> [Int] {
            daemon.stderr.components(separatedBy: "\n").filter { $0.contains("Server started and listening on") }
                .compactMap { $0.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) } }
        }
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        _ = await harness.eventually(within: 60) { ports().count == 2 }
        let ports = ports()
        try #require(ports.count == 2, "\(daemon.stderr)")
        var answers: [String: Int] = [:]
        for port in ports {
            let overview = try await harness.curl(["-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/admin/api/overview"])
            let health = try await harness.curl(["http://127.0.0.1:\(port)/healthz"])
            answers["\(overview.status) \(health.status)", default: 0] += 1
        }
        // One listener has the page and not the API; the other the API and not the page.
        #expect(answers == ["200 404": 1, "404 200": 1], "\(answers)")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit().status == 0)
    }
}
