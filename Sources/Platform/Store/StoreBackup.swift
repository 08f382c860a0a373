import Foundation

/// Copies of a file-system store for `mediadaemon backup` and `restore`: every object, and a
/// manifest of their SHA-256 digests and sizes (`objects.tsv`: `sha256 TAB size TAB key`, one
/// line each, sorted by key) that a restore checks every copied byte against.
///
/// Objects are copied through `ObjectStore.put(fromFile:)`, which hashes what it writes, so the
/// digest in the manifest is of the bytes in the backup, checked against the source's own
/// digest. Blocking (file I/O). Throws `StoreError`.
public enum StoreBackup {
    /// The manifest's file name inside a backup's store directory's parent.
    public static let manifestName = "objects.tsv"

    /// One object of a manifest.
    public struct Entry: Sendable, Hashable {
        public var key: ObjectKey
        public var sha256: String
        public var size: Int64
    }

    /// Copies every object of `source` into `target` (a new, empty store) and returns the
    /// entries, in key order. An object whose copy does not hash as the source says is an error.
    public static func copy(_ source: ObjectStore, into target: ObjectStore) throws -> [Entry] {
        let files = try fileStore(source)
        var entries: [Entry] = []
        for key in try source.list() {
            let expected = try source.head(key)
            let copied = try target.put(key, fromFile: files.path(for: key))
            guard copied.etag == expected.etag, copied.size == expected.size else {
                throw StoreError(.io, "the copy of \(key.rawValue) does not match the stored object's SHA-256", path: key.rawValue)
            }
            entries.append(Entry(key: key, sha256: copied.etag, size: copied.size))
        }
        return entries
    }

    /// Copies every entry from `backup` into `target`, checking each copy's SHA-256 and size
    /// against the manifest; returns how many bytes were copied.
    @discardableResult
    public static func restore(_ entries: [Entry], from backup: ObjectStore, into target: ObjectStore) throws -> Int64 {
        let files = try fileStore(backup)
        var bytes: Int64 = 0
        for entry in entries {
            let copied = try target.put(entry.key, fromFile: files.path(for: entry.key))
            guard copied.etag == entry.sha256, copied.size == entry.size else {
                throw StoreError(
                    .io, "\(entry.key.rawValue) in the backup does not match its manifest (damaged backup)",
                    path: entry.key.rawValue)
            }
            bytes += copied.size
        }
        return bytes
    }

    /// Backups are of the embedded default's file-system store (an S3 bucket is backed up by
    /// the bucket's own versioning and replication).
    private static func fileStore(_ store: ObjectStore) throws -> FileStore {
        guard let files = store.fileStore else {
            throw StoreError(
                .refused, "backup and restore copy a file-system store; back an S3 bucket up with its versioning",
                path: store.s3Store.map { "s3://\($0.configuration.bucket)/\($0.configuration.prefix)" } ?? "")
        }
        return files
    }

    /// The manifest's text for `entries`.
    public static func manifest(_ entries: [Entry]) -> String {
        entries.map { "\($0.sha256)\t\($0.size)\t\($0.key.rawValue)\n" }.joined()
    }

    /// Parses a manifest; a malformed line is an error naming its number.
    public static func entries(fromManifest text: String) throws -> [Entry] {
        var entries: [Entry] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0].count == 64, fields[0].allSatisfy(\.isHexDigit),
                let size = Int64(fields[1]), size >= 0
            else {
                throw StoreError(.io, "line \(number + 1) of the backup's manifest is malformed", path: manifestName)
            }
            entries.append(Entry(key: try ObjectKey(String(fields[2])), sha256: String(fields[0]), size: size))
        }
        return entries
    }
}
