import Foundation
import Testing

/// End-to-end tests of the `mediadaemon` binary on a real embedded PostgreSQL.
@Suite("mediadaemon CLI", .serialized)
struct CLITests {
    /// A fresh working directory (short path: the cluster's socket lives under it).
    private func workingDirectory() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp/md-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func versionAndHelp() async throws {
        let dir = try workingDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let version = try await DaemonProcess.run(["--version"], directory: dir)
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        for command in [["--help"], ["serve", "--help"], ["migrate", "--help"], ["db", "--help"], ["db", "status", "--help"]] {
            let help = try await DaemonProcess.run(command, directory: dir)
            #expect(help.status == 0, "\(command)")
            #expect(help.stdout.contains("USAGE"), "\(command)")
        }
    }

    @Test func badFlagsAreRejectedWithAMessage() async throws {
        let dir = try workingDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await DaemonProcess.run(["migrate", "--log-level", "loud"], directory: dir)
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown log level"))
        let pool = try await DaemonProcess.run(["serve", "--db-pool", "0"], directory: dir)
        #expect(pool.status == 64)
        #expect(pool.stderr.contains("--db-pool must be 1...256"), "\(pool.stderr)")
        let environment = ["MEDIADAEMON_DB_POOL": "many", "MEDIADAEMON_DATA": dir.appendingPathComponent("state").path]
        let named = try await DaemonProcess.run(["serve", "--port", "0"], directory: dir, environment: environment)
        #expect(named.status == 64)
        #expect(named.stderr.contains("MEDIADAEMON_DB_POOL must be an integer 1...256, not many"), "\(named.stderr)")
        let ttl = try await DaemonProcess.run(["serve", "--feed-cache-ttl", "7200"], directory: dir)
        #expect(ttl.status == 64)
        #expect(ttl.stderr.contains("--feed-cache-ttl must be 0...3600 seconds"), "\(ttl.stderr)")
        let sessions = try await DaemonProcess.run(
            ["serve", "--port", "0"], directory: dir,
            environment: ["MEDIADAEMON_SESSION_CACHE_TTL": "soon", "MEDIADAEMON_DATA": dir.appendingPathComponent("state").path])
        #expect(sessions.status == 64)
        #expect(
            sessions.stderr.contains("MEDIADAEMON_SESSION_CACHE_TTL must be a number of seconds 0...3600, not soon"),
            "\(sessions.stderr)")
    }

    @Test func embeddedClusterLifecycleAndIdempotentMigrate() async throws {
        let dir = try workingDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let fresh = try await DaemonProcess.run(["db", "status"], directory: dir)
        #expect(fresh.status == 4)
        #expect(fresh.stdout.contains("not initialised"))

        let first = try await DaemonProcess.run(["migrate"], directory: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("applied"))
        let second = try await DaemonProcess.run(["migrate"], directory: dir)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("up to date"))

        // migrate started the cluster itself, so it stopped it again.
        let after = try await DaemonProcess.run(["db", "status"], directory: dir)
        #expect(after.status == 3)

        let started = try await DaemonProcess.run(["db", "start"], directory: dir)
        #expect(started.status == 0, "\(started.stderr)")
        let running = try await DaemonProcess.run(["db", "status"], directory: dir)
        #expect(running.status == 0)
        #expect(running.stdout.contains("running"))
        // A cluster the operator started stays up after a command that uses it.
        let status = try await DaemonProcess.run(["migrate", "--status"], directory: dir)
        #expect(status.status == 0)
        #expect(try await DaemonProcess.run(["db", "status"], directory: dir).status == 0)
        #expect(try await DaemonProcess.run(["db", "stop"], directory: dir).status == 0)
        #expect(try await DaemonProcess.run(["db", "status"], directory: dir).status == 3)
    }

    @Test func serveRunsOnTheEmbeddedClusterAndStopsOnSIGTERM() async throws {
        let dir = try workingDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("state").path

        let daemon = try DaemonProcess.start(
            ["serve", "--port", "0"], directory: dir, environment: ["MEDIADAEMON_DATA": data, "MEDIADAEMON_DB_POOL": "3"])
        let ready = await daemon.waitForStderr(containing: "ready;")
        #expect(ready, "daemon never became ready:\n\(daemon.stderr)")
        #expect(daemon.stderr.contains("db_pool=3"), "\(daemon.stderr)")

        let running = try await DaemonProcess.run(["db", "status", "--data", data], directory: dir)
        #expect(running.status == 0, "\(running.stdout)")

        daemon.signal(SIGTERM)
        let result = await daemon.waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("embedded PostgreSQL stopped"))
        let stopped = try await DaemonProcess.run(["db", "status", "--data", data], directory: dir)
        #expect(stopped.status == 3)
    }

    @Test func externalDatabaseURLIsUsedAndDBCommandsRefuseIt() async throws {
        let dir = try workingDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let refused = try await DaemonProcess.run(
            ["db", "start"], directory: dir, environment: ["DATABASE_URL": "postgresql:///nowhere"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("embedded"))

        // An unreachable external server is a clear error, not a hang or a crash.
        let unreachable = try await DaemonProcess.run(
            ["migrate"], directory: dir,
            environment: ["DATABASE_URL": "postgresql://postgres@/postgres?host=\(dir.path)&port=1&connect_timeout=2"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("connection") || unreachable.stdout.contains("connection"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".mediadaemon").path))
    }
}
