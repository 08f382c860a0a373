public import Foundation

/// A media's files in the store: its renditions under `media/<id>/`, and its original, which
/// is stored once per content and so may be shared with a later media of the same bytes.
///
/// The locking rule (see `MediaQueries/files.sql`): whoever stores an original and records a
/// media for it holds the shared lock of its SHA-256 until that row commits; whoever removes an
/// original holds the exclusive lock and checks first that no live media holds the bytes.
/// Blocking (libpq and file I/O); every call runs in the caller's transaction.
public enum MediaFiles {
    /// What removing a deleted media's files did.
    public struct Removal: Sendable, Hashable {
        /// Rendition objects removed.
        public var renditions: Int
        /// Whether the original went too (false: a live media holds the same bytes, or it was
        /// gone already).
        public var original: Bool
    }

    /// Takes the shared lock of `sha256` until commit: call it before storing an original whose
    /// media row this transaction records.
    public static func lockOriginalForWriting(sha256: String, on connection: DatabaseConnection) throws {
        try connection.query(try MediaQuery.lockOriginalShared.sql(), [sha256])
    }

    /// Removes the files of a deleted media: its renditions, and its original unless a live
    /// media holds the same bytes. Returns nil, removing nothing, when the media is not deleted
    /// (in use again) or unknown. Waits for a writer of the same bytes to commit. Throws a
    /// transient `JobFailure` while a backup runs (see `StoreRemovals`).
    public static func removeDeleted(mediaID: Int64, store: ObjectStore, on connection: DatabaseConnection) throws -> Removal? {
        guard try StoreRemovals.tryHold(on: connection) else { throw StoreRemovals.backupRunning }
        guard try MediaCompletion.isDeleted(mediaID: mediaID, on: connection),
            let row = try connection.query(try MediaQuery.mediaOriginal.sql(), [mediaID]).first
        else { return nil }
        // Deleted media ids are never reused, so everything under the prefix is this media's.
        let renditions = try store.delete(prefix: ObjectKey.mediaPrefix(mediaID: mediaID))
        let sha256 = try row["sha256", as: String.self]
        try connection.query(try MediaQuery.lockOriginal.sql(), [sha256])
        guard try !isHeld(sha256: sha256, on: connection) else { return Removal(renditions: renditions, original: false) }
        let original = try store.delete(ObjectKey(try row["original_key", as: String.self]))
        return Removal(renditions: renditions, original: original)
    }

    /// Removes the original `key` when no live media holds its bytes and it was last put
    /// before `cutoff`. Returns false, removing nothing, when it is held, newer, gone, or
    /// locked by a writer or another daemon's sweep, or a backup runs (it is looked at again
    /// next time).
    public static func sweepOriginal(
        _ key: ObjectKey, sha256: String, cutoff: Date, store: ObjectStore, on connection: DatabaseConnection
    ) throws -> Bool {
        guard try StoreRemovals.tryHold(on: connection) else { return false }
        let locked = try connection.query(try MediaQuery.tryLockOriginal.sql(), [sha256])
        guard try locked.first?["locked", as: Bool.self] == true else { return false }
        // Checked under the lock: a writer that stored the file has committed its row (held) or
        // rolled back (then the file is as new as its put, or older and unheld).
        guard try !isHeld(sha256: sha256, on: connection), let modified = try store.modified(key), modified < cutoff else {
            return false
        }
        return try store.delete(key)
    }

    /// Whether a live (not deleted) media holds the bytes `sha256`.
    static func isHeld(sha256: String, on connection: DatabaseConnection) throws -> Bool {
        try connection.query(try MediaQuery.originalHeld.sql(), [sha256]).first?["held", as: Bool.self] ?? false
    }
}
