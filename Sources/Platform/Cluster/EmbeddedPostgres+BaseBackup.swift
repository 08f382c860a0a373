import Foundation
public import Logging

extension EmbeddedPostgres {
    /// Copies the running cluster into `target` with `pg_basebackup` (plain format, the WAL
    /// needed to make it consistent streamed beside it, a fast checkpoint). The copy is the
    /// cluster as of the backup's end, whatever runs meanwhile; started, it recovers to that
    /// point. With `standby`, `-R` also writes `standby.signal` and the primary's connection
    /// settings, so the copy starts as a streaming replica of this cluster.
    ///
    /// `target` must not exist or be empty; its parent is created. As root, the tool runs as
    /// the server's user, which then owns the copy. Throws `DatabaseError` `.clusterFailed`.
    public func baseBackup(into target: String, standby: Bool = false) throws {
        let command = try ClusterCommand(binDirectory: nil)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: target)
        } catch {
            throw DatabaseError(.clusterFailed, "cannot create \(target): \(error.localizedDescription)")
        }
        try command.chown(target)
        var arguments = [
            "-D", target, "-h", socketDirectory, "-p", String(port), "-U", "postgres", "-X", "stream", "-c", "fast",
            "--no-password",
        ]
        if standby { arguments.append("-R") }
        let result = try command.run("pg_basebackup", arguments)
        guard result.status == 0 else {
            throw DatabaseError(.clusterFailed, "pg_basebackup failed: \(result.text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// A streaming replica of this running cluster under `directory` (its `data/` made by
    /// `baseBackup(into:standby: true)`), reached on its own socket `port`. Not started: call
    /// `start()`. For tests and tools; the daemon is only ever given a replica's URL.
    public func makeStandby(directory: String, port: Int, logger: Logger) throws -> EmbeddedPostgres {
        let standby = EmbeddedPostgres(
            directory: directory, port: port, ephemeral: ephemeral, maxConnections: maxConnections, logger: logger)
        try baseBackup(into: standby.dataDirectory, standby: true)
        return standby
    }

    /// The major version of the cluster's files (`PG_VERSION`), nil when there is none.
    public static func majorVersion(ofDataDirectory directory: String) -> Int? {
        guard let text = try? String(contentsOfFile: directory + "/PG_VERSION", encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension EmbeddedPostgres {
    /// The major version of the installed server tools (`pg_ctl --version`), which a copied
    /// cluster must match: PostgreSQL's files are not portable across major versions.
    public static func installedMajorVersion() throws -> Int {
        let result = try ClusterCommand(binDirectory: nil).run("pg_ctl", ["--version"])
        // "pg_ctl (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
        guard result.status == 0, let range = result.text.range(of: "(PostgreSQL) "),
            let major = Int(result.text[range.upperBound...].prefix { $0.isNumber })
        else {
            throw DatabaseError(.clusterFailed, "cannot tell the installed PostgreSQL version: \(result.text)")
        }
        return major
    }
}
