import Foundation
import CDispatch  // in release builds `struct stat` is attributed to CDispatch (MemberImportVisibility)
import Glibc

extension FileStore {
    /// Keys of every object whose key starts with `prefix` (plain string prefix, as in S3),
    /// sorted. In-flight temporary files are never listed.
    ///
    /// `prefix` follows the key rules but may be empty, end in `/`, or end in a partial
    /// segment (`media/4` lists `media/4/…` and `media/42/…`).
    public func list(prefix: String = "") throws -> [ObjectKey] {
        try ObjectKey.validate(prefix, allowingPartialPrefix: true)
        // Walk only the deepest directory the prefix fully names.
        let directory = prefix.lastIndex(of: "/").map { String(prefix[..<$0]) } ?? ""
        var keys: [ObjectKey] = []
        try walk(directory) { key in
            if key.rawValue.hasPrefix(prefix) { keys.append(key) }
        }
        return keys.sorted()
    }

    /// Deletes every object whose key starts with `prefix` and the directories left empty;
    /// returns how many objects were removed. An empty prefix is refused (`invalidKey`) so a
    /// bug cannot wipe the store.
    @discardableResult
    public func delete(prefix: String) throws -> Int {
        guard !prefix.isEmpty else {
            throw StoreError(.invalidKey, "refusing to delete with an empty prefix", path: prefix)
        }
        var removed = 0
        var directories = Set<String>()
        for key in try list(prefix: prefix) {
            let path = path(for: key)
            if try StoreSystem.unlink(path) { removed += 1 }
            directories.insert(String(path[..<path.lastIndex(of: "/")!]))
        }
        // Remove emptied directories deepest first, up to (not including) the root; rmdir
        // refuses non-empty ones, which is what we want if a put raced in. Then fsync the
        // first surviving directory of each chain so the removals are durable.
        var survivors = Set<String>()
        for directory in directories.sorted(by: { $0.count > $1.count }) {
            var current = directory
            while current.count > root.count, rmdir(current) == 0 {
                current = String(current[..<current.lastIndex(of: "/")!])
            }
            survivors.insert(current)
        }
        // A survivor may have been emptied and removed by a later chain; its parent is then
        // a survivor too, so skipping it loses nothing.
        for directory in survivors { try StoreSystem.fsyncDirectory(directory, ignoringMissing: true) }
        return removed
    }

    /// Copies every regular file under the local directory `source` to `prefix` + its relative
    /// path, each with `put`'s atomicity; returns the written objects sorted by key.
    ///
    /// This is how a pipeline's output tree (renditions, HLS playlists and segments) is
    /// published. Each file is atomic on its own; a reader may see some files of the tree
    /// before others, so publish the manifest that references them last. Symbolic links and
    /// hidden files (names starting with `.`) are skipped.
    @discardableResult
    public func putDirectory(_ source: String, underPrefix prefix: String) throws -> [ObjectInfo] {
        try Self.regularFiles(under: source, prefix: prefix).map { key, path in try put(key, fromFile: path) }
    }

    /// The key under `prefix` and local path of every regular file under `source`, sorted by
    /// key; symbolic links and hidden files are skipped. Shared by every backend's `putDirectory`.
    static func regularFiles(under source: String, prefix: String) throws -> [(ObjectKey, String)] {
        try ObjectKey.validate(prefix, allowingPartialPrefix: true)
        let base = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        var relativePaths: [String] = []
        try collectFiles(source, relative: "", into: &relativePaths)
        return try relativePaths.sorted().map { relative in (try ObjectKey(base + relative), source + "/" + relative) }
    }

    // MARK: - Walking

    /// Calls `visit` with the key of every regular file under `directory` (relative to the
    /// root), skipping temporary files. A missing directory yields nothing.
    private func walk(_ directory: String, visit: (ObjectKey) throws -> Void) throws {
        let absolute = directory.isEmpty ? root : root + "/" + directory
        for name in try Self.entries(of: absolute) {
            if name.hasPrefix(ObjectKey.temporaryPrefix) { continue }
            let relative = directory.isEmpty ? name : directory + "/" + name
            var info = stat()
            guard lstat(absolute + "/" + name, &info) == 0 else { continue }  // Removed meanwhile.
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try walk(relative, visit: visit)
            case S_IFREG:
                if let key = try? ObjectKey(relative) { try visit(key) }
            default: continue
            }
        }
    }

    private static func collectFiles(_ directory: String, relative: String, into paths: inout [String]) throws {
        for name in try entries(of: directory) where !name.hasPrefix(".") {
            var info = stat()
            let path = directory + "/" + name
            if lstat(path, &info) != 0 { throw StoreSystem.error("lstat", path: path) }
            let child = relative.isEmpty ? name : relative + "/" + name
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try collectFiles(path, relative: child, into: &paths)
            case S_IFREG: paths.append(child)
            default: continue
            }
        }
    }

    /// Names in a directory except `.` and `..`; empty when the directory does not exist.
    private static func entries(of directory: String) throws -> [String] {
        guard let handle = opendir(directory) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw StoreSystem.error("opendir", path: directory)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
