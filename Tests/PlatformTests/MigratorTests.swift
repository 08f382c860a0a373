import Foundation
import Logging
import Testing

@testable import Platform

@Suite("Migrations")
struct MigratorTests {
    let logger = Logger(label: "test")

    /// Three migrations that each fail if applied twice (plain CREATE TABLE), slowed down so
    /// concurrent runs overlap.
    private func sampleMigrations() -> [Migration] {
        [
            Migration(version: 1, name: "people", sql: "CREATE TABLE people (id int PRIMARY KEY); SELECT pg_sleep(0.05);"),
            Migration(version: 2, name: "posts", sql: "CREATE TABLE posts (id int PRIMARY KEY); SELECT pg_sleep(0.05);"),
            Migration(version: 10, name: "likes", sql: "CREATE TABLE likes (id int PRIMARY KEY);\nINSERT INTO likes VALUES (1);"),
        ]
    }

    @Test func theBundledMigrationsApplyOnceAndLeaveTheDatabaseUpToDate() async throws {
        let pool = try await TestCluster.shared().makePool()
        let migrator = try Migrator(logger: logger)
        #expect(migrator.migrations.map(\.version).first == 1)
        #expect(try await migrator.status(pool).isUpToDate == false)

        let applied = try await migrator.migrate(pool)
        #expect(applied == migrator.migrations.map(\.version))
        #expect(try await migrator.migrate(pool) == [])
        let status = try await migrator.status(pool)
        #expect(status.isUpToDate)
        #expect(status.pending == [])
        #expect(status.applied == applied)
        let application = try await pool.query("SELECT value FROM schema_info WHERE key = $1", ["application"])
        #expect(try application.first?.decode(String.self, at: 0) == "mediadaemon")
        await pool.close()
    }

    @Test func migrationsAreRecordedWithNameChecksumAndTime() async throws {
        let pool = try await TestCluster.shared().makePool()
        let migrations = sampleMigrations()
        let before = Date()
        try await Migrator(migrations: migrations.reversed(), logger: logger).migrate(pool)
        let rows = try await pool.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
        #expect(try rows.map { try $0.decode(Int.self, at: 0) } == [1, 2, 10])
        #expect(try rows.map { try $0.decode(String.self, at: 1) } == ["people", "posts", "likes"])
        #expect(try rows.map { try $0.decode(String.self, at: 2) } == migrations.map(\.checksum))
        #expect(try rows.allSatisfy { try $0.decode(Date.self, at: 3) >= before.addingTimeInterval(-1) })
        await pool.close()
    }

    @Test func concurrentMigratorsApplyEachVersionExactlyOnce() async throws {
        let url = try await TestCluster.shared().makeDatabase()
        let migrations = sampleMigrations()
        let pools = try (0..<4).map { _ in try DatabasePool(url: url, size: 1, logger: logger) }
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for pool in pools {
                group.addTask { try await Migrator(migrations: migrations, logger: logger).migrate(pool) }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(results.flatMap { $0 }.sorted() == [1, 2, 10])
        #expect(results.filter { !$0.isEmpty }.count == 1)
        let recorded = try await pools[0].query("SELECT count(*), count(DISTINCT version) FROM schema_migrations")[0]
        #expect(try recorded.decode(Int.self, at: 0) == 3)
        #expect(try recorded.decode(Int.self, at: 1) == 3)
        for pool in pools { await pool.close() }
    }

    @Test func anAppliedMigrationWhoseFileChangedIsRefused() async throws {
        let pool = try await TestCluster.shared().makePool()
        try await Migrator(migrations: Array(sampleMigrations().prefix(1)), logger: logger).migrate(pool)
        let edited = [
            Migration(version: 1, name: "people", sql: "CREATE TABLE people (id bigint PRIMARY KEY);"),
            sampleMigrations()[1],
        ]
        let migrator = try Migrator(migrations: edited, logger: logger)
        let error = await #expect(throws: DatabaseError.self) { try await migrator.migrate(pool) }
        #expect(error?.code == .migrationFailed)
        let status = try await migrator.status(pool)
        #expect(status.changed == [1])
        #expect(status.pending == [2])
        #expect(!status.isUpToDate)
        // Nothing after the refusal was applied.
        #expect(try await pool.query("SELECT to_regclass('posts') IS NULL")[0].decode(Bool.self, at: 0))
        await pool.close()
    }

    @Test func aFailingMigrationRollsBackAndStopsTheRun() async throws {
        let pool = try await TestCluster.shared().makePool()
        let migrations = [
            Migration(version: 1, name: "good", sql: "CREATE TABLE good (id int);"),
            Migration(version: 2, name: "bad", sql: "CREATE TABLE half (id int);\nINSERT INTO nowhere VALUES (1);"),
            Migration(version: 3, name: "later", sql: "CREATE TABLE later (id int);"),
        ]
        let error = await #expect(throws: DatabaseError.self) {
            try await Migrator(migrations: migrations, logger: logger).migrate(pool)
        }
        #expect(error?.code == .migrationFailed)
        #expect(error?.sqlState == "42P01")
        #expect(error?.message.contains("migration 2 (bad)") == true)
        let tables = try await pool.query(
            "SELECT to_regclass('good') IS NOT NULL, to_regclass('half') IS NULL, to_regclass('later') IS NULL")[0]
        #expect(try (0..<3).allSatisfy { try tables.decode(Bool.self, at: $0) })
        let status = try await Migrator(migrations: migrations, logger: logger).status(pool)
        #expect(status.applied == [1])
        #expect(status.pending == [2, 3])
        // The lock was released: another run can proceed (and fails the same way).
        await #expect(throws: DatabaseError.self) { try await Migrator(migrations: migrations, logger: logger).migrate(pool) }
        await pool.close()
    }

    @Test func migrationsAppliedByANewerBuildAreReportedNotRefused() async throws {
        let pool = try await TestCluster.shared().makePool()
        try await Migrator(migrations: sampleMigrations(), logger: logger).migrate(pool)
        let older = try Migrator(migrations: Array(sampleMigrations().prefix(2)), logger: logger)
        #expect(try await older.migrate(pool) == [])
        let status = try await older.status(pool)
        #expect(status.unknown == [10])
        #expect(status.isUpToDate)
        await pool.close()
    }

    @Test func migrationFilesAreLoadedByNumberAndValidated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 10;".write(to: directory.appendingPathComponent("0010_ten.sql"), atomically: true, encoding: .utf8)
        try "SELECT 2;".write(to: directory.appendingPathComponent("0002_two_words.sql"), atomically: true, encoding: .utf8)
        try "notes".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let loaded = try Migration.load(fromDirectory: directory)
        #expect(loaded.map(\.version) == [2, 10])
        #expect(loaded.map(\.name) == ["two_words", "ten"])
        #expect(loaded[0].checksum == SHA256.hex(Array("SELECT 2;".utf8)))

        try "SELECT 3;".write(to: directory.appendingPathComponent("0002_again.sql"), atomically: true, encoding: .utf8)
        #expect(throws: DatabaseError.self) { try Migration.load(fromDirectory: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("0002_again.sql"))
        try "SELECT 4;".write(to: directory.appendingPathComponent("four.sql"), atomically: true, encoding: .utf8)
        #expect(throws: DatabaseError.self) { try Migration.load(fromDirectory: directory) }
    }
}
