public import Foundation

/// The object store the daemon keeps originals and renditions in: a directory on a (possibly
/// shared) file system, or a bucket of an S3-compatible service.
///
/// A concrete type over a closed set of backends rather than a protocol: every caller keeps
/// one spelling (`ObjectStore`, no existential), each operation's `switch` is exhaustive, so a
/// new backend cannot miss one, and the file-system path stays a direct call (the hot path
/// of the embedded default is unchanged).
///
/// Contract, both backends: a `put` is atomic (a reader sees the old object or the whole new
/// one), `head` reports size and a SHA-256 ETag, `get` serves byte ranges, `list` is a plain
/// string-prefix listing, `delete(prefix:)` removes a tree. Nothing outside the backends may
/// assume an object has a local path: `withLocalFile` lends one when a pipeline needs a file.
///
/// Every method is synchronous and blocking (file or network I/O): call it off the async
/// executor's threads (`Blocking.run`, a lane thread). Thread-safe. Methods throw `StoreError`.
public struct ObjectStore: Sendable {
    /// Where the objects live.
    public enum Backend: Sendable {
        case file(FileStore)
        case s3(S3Store)
    }

    /// The backend this store dispatches to.
    public let backend: Backend

    /// A file-system store rooted at `root` (created if needed).
    public init(root: String) throws {
        backend = .file(try FileStore(root: root))
    }

    /// A store over `backend`.
    public init(_ backend: Backend) {
        self.backend = backend
    }

    /// The root directory of a file-system store; nil for a remote one.
    public var localRoot: String? { fileStore?.root }

    /// The backend when it is a file-system store (its leftover temporaries are swept).
    public var fileStore: FileStore? {
        if case .file(let store) = backend { return store }
        return nil
    }

    /// The backend when it is an S3 store (its abandoned uploads are swept).
    public var s3Store: S3Store? {
        if case .s3(let store) = backend { return store }
        return nil
    }

    /// Stores `data` under `key`, atomically replacing any previous object.
    @discardableResult
    public func put(_ key: ObjectKey, data: Data) throws -> ObjectInfo {
        switch backend {
        case .file(let store): try store.put(key, data: data)
        case .s3(let store): try store.put(key, data: data)
        }
    }

    /// Copies the local file at `source` under `key`, atomically replacing any previous object.
    @discardableResult
    public func put(_ key: ObjectKey, fromFile source: String) throws -> ObjectInfo {
        switch backend {
        case .file(let store): try store.put(key, fromFile: source)
        case .s3(let store): try store.put(key, fromFile: source)
        }
    }

    /// The whole object.
    public func get(_ key: ObjectKey) throws -> Data {
        switch backend {
        case .file(let store): try store.get(key)
        case .s3(let store): try store.get(key)
        }
    }

    /// The bytes of `range`; throws `rangeNotSatisfiable` when it selects no byte.
    public func get(_ key: ObjectKey, range: ByteRange) throws -> Data {
        switch backend {
        case .file(let store): try store.get(key, range: range)
        case .s3(let store): try store.get(key, range: range)
        }
    }

    /// Size, SHA-256 ETag, content type and modification time of an object.
    public func head(_ key: ObjectKey) throws -> ObjectInfo {
        switch backend {
        case .file(let store): try store.head(key)
        case .s3(let store): try store.head(key)
        }
    }

    /// True when an object is stored under `key`. A remote store that cannot be reached
    /// throws rather than answering false.
    public func exists(_ key: ObjectKey) throws -> Bool {
        switch backend {
        case .file(let store): store.exists(key)
        case .s3(let store): try store.modified(key) != nil
        }
    }

    /// When the object was last put; nil when there is none. Cheaper than `head` (no hashing).
    public func modified(_ key: ObjectKey) throws -> Date? {
        switch backend {
        case .file(let store): store.modified(key)
        case .s3(let store): try store.modified(key)
        }
    }

    /// Removes an object; returns false when there was none.
    @discardableResult
    public func delete(_ key: ObjectKey) throws -> Bool {
        switch backend {
        case .file(let store): try store.delete(key)
        case .s3(let store): try store.delete(key)
        }
    }

    /// Keys of every object whose key starts with `prefix` (plain string prefix), sorted.
    public func list(prefix: String = "") throws -> [ObjectKey] {
        switch backend {
        case .file(let store): try store.list(prefix: prefix)
        case .s3(let store): try store.list(prefix: prefix)
        }
    }

    /// Deletes every object whose key starts with `prefix`; returns how many were removed.
    /// An empty prefix is refused (`invalidKey`).
    @discardableResult
    public func delete(prefix: String) throws -> Int {
        switch backend {
        case .file(let store): try store.delete(prefix: prefix)
        case .s3(let store): try store.delete(prefix: prefix)
        }
    }

    /// Copies every regular file under the local directory `source` to `prefix` + its relative
    /// path, each atomically; returns the written objects sorted by key. Publish the manifest
    /// that references them last.
    @discardableResult
    public func putDirectory(_ source: String, underPrefix prefix: String) throws -> [ObjectInfo] {
        switch backend {
        case .file(let store): return try store.putDirectory(source, underPrefix: prefix)
        case .s3(let store):
            return try FileStore.regularFiles(under: source, prefix: prefix).map { key, path in
                try store.put(key, fromFile: path)
            }
        }
    }

    /// Runs `body` with the path of a local file holding the object: the object's own file for
    /// a file-system store, a download into `scratchDirectory` (removed afterwards) for a
    /// remote one. `body` must only read the file.
    public func withLocalFile<T>(
        _ key: ObjectKey, scratchDirectory: String, _ body: (String) throws -> T
    ) throws -> T {
        switch backend {
        case .file(let store):
            return try body(store.path(for: key))
        case .s3(let store):
            do {
                try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.io, "cannot make the download folder: \(error)", path: scratchDirectory)
            }
            let path = scratchDirectory + "/" + ObjectKey.temporaryPrefix + "download-" + UUID().uuidString.lowercased()
            defer { try? FileManager.default.removeItem(atPath: path) }
            try store.download(key, to: path)
            return try body(path)
        }
    }

    /// A URL a client can GET the object from directly for `lifetime`, without credentials;
    /// nil for a file-system store (whose objects are served by `/media/`).
    public func presignedURL(for key: ObjectKey, lifetime: Duration, now: Date = Date()) -> String? {
        switch backend {
        case .file: nil
        case .s3(let store): store.presignedGetURL(for: key, lifetime: lifetime, now: now)
        }
    }
}
