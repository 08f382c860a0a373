public import Foundation
public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A private PostgreSQL cluster under one directory, reached only through a unix socket.
///
/// Layout under `directory`: `data/` (the cluster), `socket/` (the unix socket; no TCP
/// listener), `server.log`. The first `start()` runs `initdb`; later ones reuse the cluster.
/// When this process runs as root the server runs as the `postgres` user (PostgreSQL refuses
/// root) and owns these files. The superuser is `postgres`, trusted on the socket: the
/// socket directory is private to the server's user, so only it (and root) can connect.
///
/// Used by the daemon when no `DATABASE_URL` is configured, and by tests for throwaway
/// clusters.
public struct EmbeddedPostgres: Sendable {
    /// What `status()` found.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        case notInitialised
        case stopped
        case running(pid: Int)

        public var description: String {
            switch self {
            case .notInitialised: "not initialised"
            case .stopped: "stopped"
            case .running(let pid): "running (pid \(pid))"
            }
        }
    }

    public let directory: String
    public let port: Int
    /// Trade durability for speed (fsync off): for throwaway test clusters only.
    public let ephemeral: Bool
    /// The server's connection limit.
    public let maxConnections: Int
    private let binDirectory: String?
    private let logger: Logger

    /// - Parameters:
    ///   - directory: where the cluster lives; created if missing. Made absolute.
    ///   - port: only names the socket file (`.s.PGSQL.<port>`); there is no TCP listener.
    ///   - ephemeral: fsync off and no initdb sync, for tests.
    ///   - maxConnections: the server's connection limit (every daemon process holds a pool,
    ///     a listener, a heartbeat and a completer connection).
    ///   - binDirectory: where `initdb` and `pg_ctl` are; found automatically when nil.
    public init(
        directory: String, port: Int = 5432, ephemeral: Bool = false, maxConnections: Int = 200,
        binDirectory: String? = nil, logger: Logger
    ) {
        let absolute = directory.hasPrefix("/")
            ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        self.directory = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.port = port
        self.ephemeral = ephemeral
        self.maxConnections = maxConnections
        self.binDirectory = binDirectory
        self.logger = logger
    }

    public var dataDirectory: String { directory + "/data" }
    public var socketDirectory: String { directory + "/socket" }
    public var logFile: String { directory + "/server.log" }

    /// A libpq URL for the `postgres` database over the unix socket.
    public var connectionURL: String { connectionURL(database: "postgres") }

    /// A libpq URL for `database` over the unix socket.
    public func connectionURL(database: String) -> String {
        let host = socketDirectory.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters)
            ?? socketDirectory
        return "postgresql://postgres@/\(database)?host=\(host)&port=\(port)"
    }

    private static let queryValueCharacters: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~/")
        return set
    }()

    /// Creates the cluster on first use, starts it and waits until it accepts connections.
    /// Does nothing when it is already running.
    public func start() throws {
        let command = try ClusterCommand(binDirectory: binDirectory)
        if case .running = try status(command) { return }
        // The socket path must fit in sockaddr_un (107 bytes).
        let socketPath = "\(socketDirectory)/.s.PGSQL.\(port)"
        guard socketPath.utf8.count < 104 else {
            throw DatabaseError(
                .invalidConfiguration,
                "the socket path \(socketPath) is too long for a unix socket; use a shorter data directory")
        }
        try prepareDirectories(command)
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try initialise(command)
        }
        try writeSettings()
        try command.chown(directory)
        logger.info("starting embedded PostgreSQL", metadata: ["directory": "\(directory)"])
        let result = try command.run(
            "pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-s", "start"])
        guard result.status == 0 else {
            throw DatabaseError(
                .clusterFailed,
                "PostgreSQL did not start: \(result.text.trimmed)\(logTail().map { "\nserver log:\n\($0)" } ?? "")")
        }
        logger.info("embedded PostgreSQL accepting connections", metadata: ["socket": "\(socketDirectory)"])
    }

    /// Stops the server (fast shutdown: open transactions are rolled back). Does nothing when
    /// it is not running.
    public func stop() throws {
        let command = try ClusterCommand(binDirectory: binDirectory)
        guard case .running = try status(command) else { return }
        let result = try command.run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "-s", "stop"])
        guard result.status == 0 else {
            throw DatabaseError(.clusterFailed, "PostgreSQL did not stop: \(result.text.trimmed)")
        }
        logger.info("embedded PostgreSQL stopped", metadata: ["directory": "\(directory)"])
    }

    /// Whether the cluster exists and whether its server is running.
    public func status() throws -> Status {
        try status(ClusterCommand(binDirectory: binDirectory))
    }

    private func status(_ command: ClusterCommand) throws -> Status {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else {
            return .notInitialised
        }
        let result = try command.run("pg_ctl", ["-D", dataDirectory, "status"])
        // pg_ctl status: 0 running, 3 not running, 4 no accessible data directory.
        switch result.status {
        case 0:
            let pid = result.text.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) } ?? 0
            return .running(pid: pid)
        case 3: return .stopped
        default:
            throw DatabaseError(.clusterFailed, "cannot read the cluster's status: \(result.text.trimmed)")
        }
    }

    private func prepareDirectories(_ command: ClusterCommand) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory)
        } catch {
            throw DatabaseError(.clusterFailed, "cannot create \(directory): \(error.localizedDescription)")
        }
        try command.chown(directory)
        guard try command.isReachable(directory) else {
            throw DatabaseError(
                .clusterFailed,
                "the postgres user cannot reach \(directory): a parent directory is not searchable by others (chmod o+x it, or choose another data directory)"
            )
        }
    }

    private func initialise(_ command: ClusterCommand) throws {
        logger.info("creating embedded PostgreSQL cluster", metadata: ["directory": "\(dataDirectory)"])
        var arguments = [
            "-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
        if ephemeral { arguments.append("--no-sync") }
        let result = try command.run("initdb", arguments)
        guard result.status == 0 else {
            throw DatabaseError(.clusterFailed, "initdb failed: \(result.text.trimmed)")
        }
        // Our settings live in their own file so each start can rewrite them.
        let conf = dataDirectory + "/postgresql.conf"
        guard let handle = FileHandle(forWritingAtPath: conf) else {
            throw DatabaseError(.clusterFailed, "cannot open \(conf)")
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data("\ninclude_if_exists = 'mediadaemon.conf'\n".utf8))
    }

    /// Rewrites the per-start settings: socket only, the chosen port, durability.
    private func writeSettings() throws {
        var lines = [
            "# Written by mediadaemon at each start; edits here are overwritten.",
            "listen_addresses = ''",
            "unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'",
            "unix_socket_permissions = 0700",
            "port = \(port)",
            "max_connections = \(maxConnections)",
        ]
        if ephemeral {
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        }
        let path = dataDirectory + "/mediadaemon.conf"
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw DatabaseError(.clusterFailed, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    private func logTail() -> String? {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
