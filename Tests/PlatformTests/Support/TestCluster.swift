import Foundation
import Logging
import Synchronization
import Platform

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL cluster in a temporary directory, stopped and deleted when the test
/// process exits.
///
/// Most tests share `TestCluster.shared()` and each take a fresh database from it; tests that
/// stop the server start their own with `TestCluster.start()`.
final class TestCluster: Sendable {
    let postgres: EmbeddedPostgres
    let directory: String

    private static let sharedCluster = Result { try TestCluster.startBlocking() }

    /// The process-wide cluster, started on first use.
    static func shared() async throws -> TestCluster {
        try await Blocking.onOwnThread { try sharedCluster.get() }
    }

    /// A new cluster of its own: for tests that stop or restart the server.
    static func start() async throws -> TestCluster {
        try await Blocking.onOwnThread { try startBlocking() }
    }

    private static func startBlocking() throws -> TestCluster {
        // Short path: the socket path must fit in a sockaddr_un.
        let directory = "/tmp/mdpg-\(UUID().uuidString.prefix(8).lowercased())"
        let port = Int.random(in: 20_000..<60_000)
        // Every suite runs in parallel against the shared cluster, each with its pools,
        // listeners, heartbeats and completers (and the notification hubs': a listener and a
        // folder each): 200 connections ran out, then 600 on a fresh machine.
        let postgres = EmbeddedPostgres(
            directory: directory, port: port, ephemeral: true, maxConnections: 1000,
            logger: Logger(label: "test-cluster"))
        registerForCleanup(postgres)
        try postgres.start()
        return TestCluster(postgres: postgres, directory: directory)
    }

    private init(postgres: EmbeddedPostgres, directory: String) {
        self.postgres = postgres
        self.directory = directory
    }

    /// Creates an empty database with a random name and returns its URL.
    func makeDatabase() async throws -> String {
        let name = Self.databaseName()
        let url = postgres.connectionURL
        try await Blocking.onOwnThread {
            let connection = try DatabaseConnection(url: url, logger: Logger(label: "test-setup"))
            // The name is generated from hex digits only.
            try connection.execute("CREATE DATABASE \(name)")
        }
        return postgres.connectionURL(database: name)
    }

    /// Creates a database already migrated to the newest schema and returns its URL: a copy of
    /// a template that the first call migrates. Hundreds of tests start at once; each running
    /// every migration itself kept both cores busy for the first minute of a run.
    func makeMigratedDatabase() async throws -> String {
        let name = Self.databaseName()
        let url = postgres.connectionURL
        try await Blocking.onOwnThread { [self] in
            let template = try migratedTemplate.withLock { made in
                let result = made ?? Result { try makeTemplate() }
                made = result
                return try result.get()
            }
            let connection = try DatabaseConnection(url: url, logger: Logger(label: "test-setup"))
            try connection.execute("CREATE DATABASE \(name) TEMPLATE \(template)")
        }
        return postgres.connectionURL(database: name)
    }

    /// The template's name, or why it could not be made; set by the first `makeMigratedDatabase`.
    private let migratedTemplate = Mutex<Result<String, any Error>?>(nil)

    /// Creates and migrates the template. Its connection closes before returning: a database
    /// is copied only while nobody is connected to it.
    private func makeTemplate() throws -> String {
        let name = Self.databaseName()
        let admin = try DatabaseConnection(url: postgres.connectionURL, logger: Logger(label: "test-setup"))
        try admin.execute("CREATE DATABASE \(name)")
        do {
            let connection = try DatabaseConnection(url: postgres.connectionURL(database: name), logger: Logger(label: "test-setup"))
            _ = try Migrator(logger: Logger(label: "test-setup")).migrate(connection)
        }
        return name
    }

    private static func databaseName() -> String {
        "test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
    }

    /// A pool on a fresh database, empty or `migrated` to the newest schema.
    func makePool(size: Int = 2, migrated: Bool = false, logger: Logger = Logger(label: "test")) async throws -> DatabasePool {
        try DatabasePool(url: migrated ? await makeMigratedDatabase() : await makeDatabase(), size: size, logger: logger)
    }

    /// Stops the server (fast shutdown), off the cooperative pool.
    func stop() async throws {
        try await Blocking.onOwnThread { [postgres] in try postgres.stop() }
    }

    /// Starts the server again, off the cooperative pool.
    func restart() async throws {
        try await Blocking.onOwnThread { [postgres] in try postgres.start() }
    }
}

private let clustersToStop = Mutex<[EmbeddedPostgres]>([])

private func registerForCleanup(_ postgres: EmbeddedPostgres) {
    let first = clustersToStop.withLock { clusters in
        clusters.append(postgres)
        return clusters.count == 1
    }
    if first {
        atexit {
            let clusters = clustersToStop.withLock { $0 }
            for cluster in clusters {
                try? cluster.stop()
                try? FileManager.default.removeItem(atPath: cluster.directory)
            }
        }
    }
}
