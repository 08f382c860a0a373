import ArgumentParser
import Foundation
import Logging
import Platform

/// `mediadaemon backup DIR`: a consistent copy of the embedded cluster and the file-system
/// store, taken while `serve` runs, restorable on another machine with `restore`.
///
/// Order: the store's removals are paused (`StoreRemovals`), then the database is copied, then
/// the files. Every file a copied row names existed when the database copy ended (outputs are
/// published, and originals stored, before their rows commit) and none is removed until the
/// file copy ends, so every row's files are in the copy; files written meanwhile are extra.
///
/// The database is copied with `pg_basebackup` rather than `pg_dump`: one consistent physical
/// copy of the whole cluster (the WAL it needs streamed beside it) with no server needed to
/// restore it, at file-copy speed and without rebuilding indexes, by the same tool that makes
/// replicas. The price is that the restoring machine needs the same PostgreSQL major version
/// (checked); to move across majors, restore on the old one and `pg_upgrade`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the embedded database and the file-system store into DIR (safe while serve runs).",
        discussion: """
            With an external PostgreSQL (DATABASE_URL) back that up with its own tools (pg_basebackup \
            with WAL archiving, or pg_dump), and the store with the bucket's versioning or replication; \
            see the README's "Running on several machines".
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "A new (or empty) directory for the backup.")
    var directory: String

    func run() async throws {
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "mediadaemon.backup")
        guard configuration.databaseURL == nil else {
            throw ValidationError("backup copies the embedded cluster; back up an external PostgreSQL with its own tools")
        }
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        let fm = FileManager.default
        if fm.fileExists(atPath: target), !((try? fm.contentsOfDirectory(atPath: target)) ?? []).isEmpty {
            throw ValidationError("\(target) is not empty; back up into a new directory")
        }
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        let store = try ObjectStore(root: configuration.storeDirectory)
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer { try? database.close() }
        guard let cluster = database.cluster else { throw ValidationError("no embedded cluster") }
        let started = Date()
        let entries = try StoreRemovals.paused(databaseURL: database.url, logger: logger) {
            try cluster.baseBackup(into: target + "/pg")
            logger.info("database copied; copying the store")
            return try StoreBackup.copy(store, into: try ObjectStore(root: target + "/store"))
        }
        try StoreBackup.manifest(entries).write(
            toFile: target + "/" + StoreBackup.manifestName, atomically: true, encoding: .utf8)
        guard let major = EmbeddedPostgres.majorVersion(ofDataDirectory: target + "/pg") else {
            throw ValidationError("the database copy has no PG_VERSION")
        }
        let manifest = BackupManifest(
            format: BackupManifest.currentFormat, postgresMajor: major, objects: entries.count,
            bytes: entries.reduce(0) { $0 + $1.size }, started: started, finished: Date())
        try manifest.write(to: target)
        print("backed up the database (PostgreSQL \(major)) and \(manifest.objects) objects (\(manifest.bytes) bytes) to \(target)")
    }
}
