import CDispatch  // in release builds `struct stat` is attributed to CDispatch (MemberImportVisibility)
import Glibc




/// The one place the store calls libc: each wrapper retries `EINTR` and turns a failure into
/// `StoreError` with the errno and the path involved (ENOENT becomes `notFound`).
enum StoreSystem {
    /// Name of the extended attribute holding an object's SHA-256 hex digest.
    static let digestAttribute = "user.sha256"

    static func error(_ operation: String, path: String, errno code: Int32 = errno, file: String = #fileID, line: Int = #line) -> StoreError {
        let kind: StoreError.Code = code == ENOENT ? .notFound : .io
        return StoreError(kind, "\(operation) failed", path: path, errno: code, file: file, line: line)
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(StoreError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error("open", path: path) }
        }
    }

    /// Creates a new file for writing (never an existing one); nil when its directory is missing.
    static func createNew(_ path: String) throws(StoreError) -> Int32? {
        while true {
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            if errno == ENOENT { return nil }
            throw error("create", path: path)
        }
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(StoreError) {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw error("write", path: path)
            }
            offset += written
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (0 at the end).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64?, path: String) throws(StoreError) -> Int {
        while true {
            let count = if let offset {
                Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            } else {
                Glibc.read(fd, buffer.baseAddress, buffer.count)
            }
            if count >= 0 { return count }
            if errno != EINTR { throw error("read", path: path) }
        }
    }

    static func fsync(_ fd: Int32, path: String) throws(StoreError) {
        while Glibc.fsync(fd) != 0 {
            if errno != EINTR { throw error("fsync", path: path) }
        }
    }

    /// Fsyncs a directory so a rename or unlink inside it is durable.
    static func fsyncDirectory(_ path: String, ignoringMissing: Bool = false) throws(StoreError) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            if ignoringMissing && errno == ENOENT { return }
            throw error("open directory", path: path)
        }
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func rename(_ from: String, _ to: String) throws(StoreError) {
        if Glibc.rename(from, to) != 0 { throw error("rename to \(to)", path: from) }
    }

    /// Removes a file; returns false when it did not exist.
    static func unlink(_ path: String) throws(StoreError) -> Bool {
        if Glibc.unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw error("unlink", path: path)
    }

    static func status(_ fd: Int32, path: String) throws(StoreError) -> stat {
        var info = stat()
        if fstat(fd, &info) != 0 { throw error("fstat", path: path) }
        return info
    }

    /// Creates `path` and its missing parents; concurrent creators are fine. Each directory
    /// created is made durable by fsyncing its parent (else a crash could lose the new
    /// directory, and with it an object renamed into it).
    static func makeDirectories(_ path: String) throws(StoreError) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "/" : prefix
            prefix += "/" + component
            if Glibc.mkdir(prefix, 0o755) == 0 {
                try fsyncDirectory(parent)
            } else if errno != EEXIST {
                throw error("mkdir", path: prefix)
            }
        }
    }

    /// Stores the content digest on an open file. Returns false when the file system does not
    /// support user extended attributes (the digest is then recomputed on `head`).
    @discardableResult
    static func setDigest(_ fd: Int32, hex: String, path: String) throws(StoreError) -> Bool {
        // Glibc's Swift module map leaves out <sys/xattr.h>; the functions are in libc itself.
        guard let fsetxattr = function("fsetxattr", as: SetAttribute.self) else { return false }
        let result = hex.withCString { fsetxattr(fd, digestAttribute, $0, strlen($0), 0) }
        if result == 0 { return true }
        if errno == ENOTSUP || errno == EOPNOTSUPP || errno == EPERM { return false }
        throw error("fsetxattr \(digestAttribute)", path: path)
    }

    /// The digest stored on a file, or nil when absent or malformed.
    static func digest(_ fd: Int32) -> String? {
        guard let fgetxattr = function("fgetxattr", as: GetAttribute.self) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 80)
        let count = buffer.withUnsafeMutableBytes { fgetxattr(fd, digestAttribute, $0.baseAddress, $0.count) }
        guard count == 64 else { return nil }
        let hex = buffer[0..<64]
        guard hex.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return String(decoding: hex, as: UTF8.self)
    }

    private typealias SetAttribute = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias GetAttribute = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int

    /// A libc function looked up by name (RTLD_DEFAULT), cast to its C signature.
    private static func function<F>(_ name: String, as type: F.Type) -> F? {
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
