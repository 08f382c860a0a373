public import Foundation
import CDispatch  // in release builds `struct stat` is attributed to CDispatch (MemberImportVisibility)
import Glibc

/// A file-system object store: each object is one file under `root`, named by its key.
///
/// Writes are atomic and durable: `put` writes `.tmp-<tag>-<uuid>` in the destination directory
/// (the tag is this process's `LeftoverOwner` mark),
/// fsyncs it, renames it over the key and fsyncs the directory, so a reader (on this machine
/// or another sharing the file system) sees either the old object or the whole new one, never
/// a partial file. Concurrent puts of one key leave exactly one complete object (the last
/// rename wins). Each object's SHA-256 is stored in the `user.sha256` extended attribute of
/// the file, set before the rename, so `head` answers without rehashing; where the file system
/// lacks user xattrs, `head` recomputes it.
///
/// Every method is synchronous and blocking (file I/O); call it off the async executor's
/// threads for large objects. Thread-safe: the struct holds only the root path.
/// All methods throw `StoreError`.
public struct FileStore: Sendable {
    /// Absolute path of the store's root directory.
    public let root: String
    /// Size of the chunks `put(fromFile:)` and `head` stream through.
    static let chunkSize = 1 << 20

    /// Opens (creating if needed) a store rooted at `root`; a relative path is resolved
    /// against the current directory.
    public init(root: String) throws {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = URL(fileURLWithPath: absolute).standardizedFileURL.path
        try StoreSystem.makeDirectories(self.root)
    }

    /// Local file path of an object, for serving it with `sendfile` or handing it to a pipeline.
    public func path(for key: ObjectKey) -> String {
        root + "/" + key.rawValue
    }

    /// Stores `data` under `key`, atomically replacing any previous object.
    @discardableResult
    public func put(_ key: ObjectKey, data: Data) throws -> ObjectInfo {
        try write(key) { fd, temporary, hasher throws in
            try data.withUnsafeBytes { buffer throws in
                hasher.update(buffer)
                try StoreSystem.writeAll(fd, buffer, path: temporary)
            }
        }
    }

    /// Copies the local file at `source` under `key`, atomically replacing any previous object.
    @discardableResult
    public func put(_ key: ObjectKey, fromFile source: String) throws -> ObjectInfo {
        let input = try StoreSystem.open(source, O_RDONLY)
        defer { StoreSystem.close(input) }
        return try write(key) { fd, temporary, hasher throws in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = try StoreSystem.read(input, into: buffer, at: nil, path: source)
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                hasher.update(chunk)
                try StoreSystem.writeAll(fd, chunk, path: temporary)
            }
        }
    }

    /// The whole object.
    public func get(_ key: ObjectKey) throws -> Data {
        let (fd, info) = try openObject(key)
        defer { StoreSystem.close(fd) }
        return try read(fd, range: 0..<Int64(info.st_size), key: key)
    }

    /// The bytes of `range`; throws `rangeNotSatisfiable` when it selects no byte.
    /// Use `ByteRange.resolve(size:)` with `head`'s size to build a `Content-Range` header.
    public func get(_ key: ObjectKey, range: ByteRange) throws -> Data {
        let (fd, info) = try openObject(key)
        defer { StoreSystem.close(fd) }
        return try read(fd, range: range.resolve(size: Int64(info.st_size), key: key.rawValue), key: key)
    }

    /// Size, SHA-256 ETag, content type and modification time of an object.
    public func head(_ key: ObjectKey) throws -> ObjectInfo {
        let (fd, info) = try openObject(key)
        defer { StoreSystem.close(fd) }
        var etag = StoreSystem.digest(fd)
        if etag == nil {
            // Written without the store (or on a file system without xattrs): hash it once and
            // cache the digest when possible. Objects are never modified in place (a put renames
            // a new file over them), so the cached digest cannot go stale.
            let computed = try hash(fd, key: key)
            _ = try? StoreSystem.setDigest(fd, hex: computed, path: key.rawValue)
            etag = computed
        }
        return ObjectInfo(
            key: key, size: Int64(info.st_size), etag: etag ?? "", contentType: ObjectInfo.contentType(for: key),
            modified: Self.modificationDate(info))
    }

    /// True when an object is stored under `key`.
    public func exists(_ key: ObjectKey) -> Bool {
        var info = stat()
        return stat(path(for: key), &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// When the object was last put (its file's modification time); nil when there is none.
    /// A `stat`, unlike `head`, which may hash the whole object.
    public func modified(_ key: ObjectKey) -> Date? {
        var info = stat()
        guard stat(path(for: key), &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Self.modificationDate(info)
    }

    /// Removes an object; returns false when there was none. The removal is made durable.
    @discardableResult
    public func delete(_ key: ObjectKey) throws -> Bool {
        let path = path(for: key)
        guard try StoreSystem.unlink(path) else { return false }
        try StoreSystem.fsyncDirectory(String(path[..<path.lastIndex(of: "/")!]))
        return true
    }

    // MARK: - Internals

    /// Writes a temporary file in the key's directory with `fill`, stores its digest, fsyncs,
    /// renames it over the key and fsyncs the directory. The temporary file is removed on any
    /// failure.
    private func write(
        _ key: ObjectKey, _ fill: (Int32, String, inout SHA256Hasher) throws -> Void
    ) throws -> ObjectInfo {
        let destination = path(for: key)
        let directory = String(destination[..<destination.lastIndex(of: "/")!])
        try StoreSystem.makeDirectories(directory)
        try LeftoverOwner.claim(root)
        let temporary = directory + "/" + ObjectKey.temporaryPrefix + LeftoverOwner.tag + "-" + UUID().uuidString.lowercased()
        var created = try StoreSystem.createNew(temporary)
        if created == nil {
            // A concurrent `delete(prefix:)` removed the emptied directory; make it again, once.
            try StoreSystem.makeDirectories(directory)
            created = try StoreSystem.createNew(temporary)
        }
        guard let fd = created else { throw StoreSystem.error("create", path: temporary, errno: ENOENT) }
        var renamed = false
        defer {
            if !renamed { _ = try? StoreSystem.unlink(temporary) }
        }
        let etag: String
        let info: stat
        do {
            defer { StoreSystem.close(fd) }
            var hasher = SHA256Hasher()
            try fill(fd, temporary, &hasher)
            etag = hasher.finalizeHex()
            try StoreSystem.setDigest(fd, hex: etag, path: temporary)
            try StoreSystem.fsync(fd, path: temporary)
            info = try StoreSystem.status(fd, path: temporary)
        }
        try StoreSystem.rename(temporary, destination)
        renamed = true
        try StoreSystem.fsyncDirectory(directory)
        return ObjectInfo(
            key: key, size: Int64(info.st_size), etag: etag, contentType: ObjectInfo.contentType(for: key),
            modified: Self.modificationDate(info))
    }

    /// Opens the object's file for reading; a directory or other non-file is `notFound`.
    private func openObject(_ key: ObjectKey) throws -> (Int32, stat) {
        let fd = try StoreSystem.open(path(for: key), O_RDONLY)
        do {
            let info = try StoreSystem.status(fd, path: key.rawValue)
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw StoreError(.notFound, "not an object (a directory or special file)", path: key.rawValue)
            }
            return (fd, info)
        } catch {
            StoreSystem.close(fd)
            throw error
        }
    }

    private static func modificationDate(_ info: stat) -> Date {
        Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    private func read(_ fd: Int32, range: Range<Int64>, key: ObjectKey) throws -> Data {
        var data = Data(count: Int(range.count))
        var done = 0
        try data.withUnsafeMutableBytes { buffer throws in
            while done < buffer.count {
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
                let count = try StoreSystem.read(fd, into: slice, at: range.lowerBound + Int64(done), path: key.rawValue)
                if count == 0 { break }  // Truncated under us by an out-of-band writer.
                done += count
            }
        }
        if done < data.count { data.removeSubrange(done...) }
        return data
    }

    private func hash(_ fd: Int32, key: ObjectKey) throws -> String {
        var hasher = SHA256Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while true {
            let count = try StoreSystem.read(fd, into: buffer, at: offset, path: key.rawValue)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            offset += Int64(count)
        }
        return hasher.finalizeHex()
    }
}
