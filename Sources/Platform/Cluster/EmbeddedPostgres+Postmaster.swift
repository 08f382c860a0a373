import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension EmbeddedPostgres {
    /// The pid of the cluster's postmaster when one is alive, else nil.
    ///
    /// Cheap enough to poll every second (one small file read and a `kill(pid, 0)`), unlike
    /// `status()`, which runs `pg_ctl`. `pg_ctl start` daemonises the server, so its death
    /// cannot be awaited with `waitpid`: the lock file PostgreSQL writes at start-up
    /// (`postmaster.pid`, pid on its first line) is the one place that names it. A stale lock
    /// file left by a killed server names a dead pid, or one reused by another program, which
    /// the process's name tells apart.
    public func livePostmasterPID() -> Int32? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).first,
            let pid = Int32(line.trimmingCharacters(in: .whitespaces)), pid > 0
        else { return nil }
        // EPERM: alive, owned by another user (the server runs as `postgres` when we are root).
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        guard let name = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else {
            // No /proc: trust the signal check.
            return pid
        }
        return name.hasPrefix("postgres") ? pid : nil
    }
}
