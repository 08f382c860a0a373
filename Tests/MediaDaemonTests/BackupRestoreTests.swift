import Foundation
import Logging
import Platform
import Testing

/// `backup` while `serve` runs and uploads keep coming, then `restore` into a fresh data
/// directory: every post and media committed before the backup began is there, and every file
/// a restored ready media names (its original and every output under its manifest's prefix)
/// is there with the same SHA-256 as in the live store (`sha256sum`, not our hasher).
@Suite("Backup and restore of the embedded default", .serialized)
struct BackupRestoreTests {
    @Test func aBackupTakenWhileServingRestoresEveryMediaPostAndFile() async throws {
        let harness = try ServeHarness(prefix: "mdbk")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let (daemon, port) = try await harness.start()
        defer { daemon.signal(SIGKILL) }
        let token = try await harness.token(port: port)
        let frames = try await Self.distinctImages(count: 10, in: harness.directory)
        @Sendable func upload(_ file: String) async throws -> Int {
            try await harness.curl([
                "-H", "Authorization: Bearer \(token)", "-F", "media=@\(file)", "http://127.0.0.1:\(port)/api/v1/posts",
            ]).status
        }
        for file in frames.prefix(6) { #expect(try await upload(file) == 201) }
        let live = EmbeddedPostgres(directory: harness.data + "/pg", logger: Logger(label: "live"))
        #expect(
            try await harness.eventually(within: 120) {
                try Self.rows(live, "SELECT count(*)::text AS n FROM media WHERE status = 'ready'").first?["n"] == "6"
            })
        let before = try Set(Self.rows(live, "SELECT id::text AS id FROM posts").compactMap { $0["id"] })
        #expect(before.count == 6)

        // The rest upload while the backup runs.
        let backup = harness.directory.appendingPathComponent("backup").path
        async let during = withThrowingTaskGroup(of: Int.self) { group in
            for file in frames.suffix(4) { group.addTask { try await upload(file) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let made = try await DaemonProcess.run(["backup", "--data", harness.data, backup], directory: harness.directory)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try await during.allSatisfy { $0 == 201 })
        // A second backup into the same directory is refused.
        #expect(try await DaemonProcess.run(["backup", "--data", harness.data, backup], directory: harness.directory).status != 0)

        let restoredData = harness.directory.appendingPathComponent("restored").path
        let restored = try await DaemonProcess.run(["restore", "--data", restoredData, backup], directory: harness.directory)
        #expect(restored.status == 0, "\(restored.stderr)")
        // Restoring over it again is refused.
        #expect(try await DaemonProcess.run(["restore", "--data", restoredData, backup], directory: harness.directory).status != 0)

        let copy = EmbeddedPostgres(directory: restoredData + "/pg", port: 5499, logger: Logger(label: "restored"))
        try await Blocking.onOwnThread { try copy.start() }  // pg_ctl blocks for seconds
        defer { try? copy.stop() }
        let posts = try Set(Self.rows(copy, "SELECT id::text AS id FROM posts").compactMap { $0["id"] })
        #expect(before.isSubset(of: posts))
        let media = try Self.rows(
            copy,
            "SELECT id::text AS id, status, sha256, original_key, manifest->>'store_prefix' AS prefix FROM media")
        #expect(media.count >= 6)
        let liveFiles = try await Self.checksums(harness.data + "/store", in: harness.directory)
        let restoredFiles = try await Self.checksums(restoredData + "/store", in: harness.directory)
        var checked = 0
        for row in media where row["status"] == "ready" {
            let original = try #require(row["original_key"] ?? nil)
            #expect(restoredFiles[original] == row["sha256"] ?? nil, "original of media \(row["id"] ?? nil ?? "?")")
            let prefix = try #require(row["prefix"] ?? nil) + "/"
            let outputs = liveFiles.filter { $0.key.hasPrefix(prefix) }
            #expect(!outputs.isEmpty)
            for (key, sum) in outputs {
                #expect(restoredFiles[key] == sum, "\(key)")
                checked += 1
            }
        }
        #expect(checked >= 6)
    }

    /// `count` different small PNGs (successive frames of a moving test pattern).
    static func distinctImages(count: Int, in directory: URL) async throws -> [String] {
        let pattern = directory.appendingPathComponent("frame-%03d.png").path
        let result = try await ChildProcess(
            "/usr/bin/ffmpeg",
            ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=5", "-frames:v", "\(count)", pattern],
            directory: directory
        ).waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        return (1...count).map { directory.appendingPathComponent(String(format: "frame-%03d.png", $0)).path }
    }

    /// Rows of `sql` on `cluster`'s `postgres` database, every column as text.
    static func rows(_ cluster: EmbeddedPostgres, _ sql: String) throws -> [[String: String?]] {
        let connection = try DatabaseConnection(url: cluster.connectionURL, logger: Logger(label: "check"))
        let result = try connection.query(sql)
        return try result.map { row in
            var values: [String: String?] = [:]
            for column in result.columns { values[column.name] = try row[column.name, as: String?.self] }
            return values
        }
    }

    /// `sha256sum` of every object file under `root`, by key (temporaries and lock folders skipped).
    static func checksums(_ root: String, in directory: URL) async throws -> [String: String] {
        let listing = try await ChildProcess(
            "/bin/sh", ["-c", "cd \"$0\" && find . -type f ! -path '*/.tmp*' -exec sha256sum {} +", root], directory: directory
        ).waitForExit()
        var sums: [String: String] = [:]
        for line in listing.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            sums[String(parts[1].trimmingCharacters(in: .whitespaces).dropFirst(2))] = String(parts[0])
        }
        return sums
    }
}
