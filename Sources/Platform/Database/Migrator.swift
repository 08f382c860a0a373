public import Logging

/// Applies numbered migrations to a database and reports whether it is up to date.
///
/// Each migration runs in its own transaction and is recorded in `schema_migrations`
/// (version, name, applied_at, checksum) in that same transaction. The whole run holds a
/// session advisory lock, so daemons migrating one database together apply each migration
/// exactly once: the others wait, then find nothing left to do.
public struct Migrator: Sendable {
    /// Known migrations, by version.
    public let migrations: [Migration]
    private let logger: Logger

    /// Arbitrary but fixed: every MediaDaemon migrating a database must use the same key.
    static let advisoryLockKey: Int64 = 0x4D44_4D49_4752_4154

    /// Uses the migrations bundled with the module.
    public init(logger: Logger) throws {
        try self.init(migrations: Migration.bundled(), logger: logger)
    }

    /// Uses `migrations`; throws `.migrationFailed` when two share a version.
    public init(migrations: [Migration], logger: Logger) throws {
        self.migrations = try Migration.sortedAndChecked(migrations)
        self.logger = logger
    }

    /// Applies every pending migration in order and returns the versions applied by this call
    /// (empty when the database was already up to date).
    ///
    /// Throws `.migrationFailed` when a migration fails (it is rolled back, later ones are not
    /// tried) or when an applied migration's checksum no longer matches its file.
    @discardableResult
    public func migrate(_ pool: DatabasePool) async throws -> [Int] {
        try await pool.withConnection { [self] connection in try migrate(connection) }
    }

    /// `migrate(_:)` on a connection the caller owns; blocks.
    public func migrate(_ connection: DatabaseConnection) throws -> [Int] {
        try connection.query("SELECT pg_advisory_lock($1)", [Self.advisoryLockKey])
        defer { unlock(connection) }
        // Only create the bookkeeping table when missing: IF NOT EXISTS alone would send a
        // "relation already exists" notice to the log on every start.
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        if try exists.first?["present", as: Bool.self] != true {
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    checksum text NOT NULL
                )
                """)
        }
        let status = try status(connection)
        if !status.changed.isEmpty {
            throw DatabaseError(
                .migrationFailed,
                "applied migrations \(status.changed) differ from their files; migrations must not be edited once applied")
        }
        var applied = [Int]()
        for migration in migrations where status.pending.contains(migration.version) {
            do {
                try connection.transaction { transaction in
                    try transaction.execute(migration.sql)
                    try transaction.query(
                        "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, now(), $3)",
                        [migration.version, migration.name, migration.checksum])
                }
            } catch let error as DatabaseError {
                throw DatabaseError(
                    .migrationFailed, "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                    sqlState: error.sqlState)
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }

    /// What is applied, pending or changed, without changing anything (for `/readyz`).
    public func status(_ pool: DatabasePool) async throws -> MigrationStatus {
        try await pool.withConnection { [self] connection in try status(connection) }
    }

    /// `status(_:)` on a connection the caller owns; blocks.
    public func status(_ connection: DatabaseConnection) throws -> MigrationStatus {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        var recorded = [Int: String]()
        if try exists[0].decode(Bool.self, at: 0) {
            for row in try connection.query("SELECT version, checksum FROM schema_migrations") {
                recorded[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
            }
        }
        let known = Set(migrations.map(\.version))
        return MigrationStatus(
            applied: migrations.filter { recorded[$0.version] != nil }.map(\.version),
            pending: migrations.filter { recorded[$0.version] == nil }.map(\.version),
            changed: migrations.filter { migration in
                recorded[migration.version].map { $0 != migration.checksum } ?? false
            }.map(\.version),
            unknown: recorded.keys.filter { !known.contains($0) }.sorted())
    }

    private func unlock(_ connection: DatabaseConnection) {
        do {
            try connection.query("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey])
        } catch {
            // A broken connection has already released its session lock on the server.
            logger.warning("cannot release the migration lock", metadata: ["error": "\(error)"])
        }
    }
}

/// Which known migrations a database has applied.
public struct MigrationStatus: Sendable, Equatable {
    /// Known migrations recorded as applied.
    public var applied: [Int]
    /// Known migrations not yet applied.
    public var pending: [Int]
    /// Applied migrations whose recorded checksum differs from the file's.
    public var changed: [Int]
    /// Versions recorded in the database that this build does not know (a newer daemon ran).
    public var unknown: [Int]

    /// True when nothing is pending and nothing changed: the schema this build expects.
    public var isUpToDate: Bool { pending.isEmpty && changed.isEmpty }
}
