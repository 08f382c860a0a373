import ArgumentParser
import Foundation
import Logging
import Platform

/// `mediadaemon restore DIR`: puts a `backup`'s database and store into a fresh data
/// directory (`--data`, `--store`), checking every object's SHA-256 against the backup's
/// manifest, then starts the cluster once to let it recover to the backup's end.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup made by `mediadaemon backup` into a fresh data directory.",
        discussion: "Refuses a data directory that already has a cluster, and a store that already has objects.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The backup directory.")
    var directory: String

    func run() async throws {
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "mediadaemon.restore")
        guard configuration.databaseURL == nil else {
            throw ValidationError("restore fills the embedded cluster; unset DATABASE_URL")
        }
        let source = URL(fileURLWithPath: directory).standardizedFileURL.path
        let manifest: BackupManifest
        do {
            manifest = try BackupManifest.read(from: source)
        } catch {
            throw ValidationError("\(source) holds no finished backup (\(BackupManifest.fileName) unreadable: \(error))")
        }
        guard manifest.format == BackupManifest.currentFormat else {
            throw ValidationError("backup format \(manifest.format) is not one this version restores")
        }
        let installed = try EmbeddedPostgres.installedMajorVersion()
        guard installed == manifest.postgresMajor else {
            throw ValidationError(
                "the backup is of PostgreSQL \(manifest.postgresMajor) but \(installed) is installed; restore where \(manifest.postgresMajor) is, then pg_upgrade")
        }
        let cluster = EmbeddedPostgres(directory: configuration.embeddedClusterDirectory, logger: logger)
        let fm = FileManager.default
        guard !fm.fileExists(atPath: cluster.dataDirectory) else {
            throw ValidationError("\(cluster.dataDirectory) exists; restore into a fresh data directory")
        }
        let store = try ObjectStore(root: configuration.storeDirectory)
        guard try store.list().isEmpty else {
            throw ValidationError("the store at \(configuration.storeDirectory) has objects; restore into an empty one")
        }
        let text = try String(contentsOfFile: source + "/" + StoreBackup.manifestName, encoding: .utf8)
        let entries = try StoreBackup.entries(fromManifest: text)
        let bytes = try StoreBackup.restore(entries, from: try ObjectStore(root: source + "/store"), into: store)
        try fm.createDirectory(atPath: cluster.directory, withIntermediateDirectories: true)
        try fm.copyItem(atPath: source + "/pg", toPath: cluster.dataDirectory)
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: cluster.dataDirectory)
        // Started once: it recovers to the backup's end from the WAL copied beside it.
        let database = try DatabaseHandle.open(configuration, logger: logger)
        try database.close()
        print("restored the database and \(entries.count) objects (\(bytes) bytes) into \(configuration.dataDirectory)")
    }
}
