public import Logging

/// The pause a backup puts on removing files from the store (see `Media/MediaQueries/files.sql`).
///
/// A backup copies the database, then the files; a file removed in between would be named by a
/// copied row and missing from the copy. So every remover holds the shared lock while it
/// removes, and `paused` holds the exclusive one: it waits for running removals, and removals
/// that start meanwhile are put off (the media.delete job retries; the sweep looks again next
/// pass). Puts are never held: files written meanwhile are only extra in the copy, and an
/// original no restored row holds goes with the sweep.
public enum StoreRemovals {
    /// Runs `body` while no store removal runs, on the database at `databaseURL`. Blocking.
    public static func paused<T>(databaseURL: String, logger: Logger, _ body: () throws -> T) throws -> T {
        let connection = try DatabaseConnection(url: databaseURL, logger: logger)
        try connection.query(try MediaQuery.lockStoreForBackup.sql())
        // The lock goes with the session whatever happens; unlocking is only tidiness.
        defer { _ = try? connection.query(try MediaQuery.unlockStoreForBackup.sql()) }
        return try body()
    }

    /// Takes the remover's lock until the transaction ends; false while a backup runs.
    static func tryHold(on connection: DatabaseConnection) throws -> Bool {
        try connection.query(try MediaQuery.tryLockStoreRemoval.sql()).first?["locked", as: Bool.self] ?? false
    }

    /// What a media.delete job throws while a backup runs: it retries in five minutes, so its
    /// five attempts outlast a backup of about twenty (past that it goes dead, leaving a deleted
    /// media's files in the store until `jobs retry`).
    static let backupRunning = JobFailure.transient(
        "backup_running", "a backup is copying the store; files are removed after it", retryAfter: .seconds(300))
}
