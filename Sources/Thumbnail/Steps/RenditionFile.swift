import Foundation

/// Puts an encoded rendition on disk.
enum RenditionFile {
    /// Writes `bytes` to a temporary name in `directory`, then renames it to `path`: a reader
    /// never sees a partial file under the final name. No fsync: the object store syncs each
    /// object when the daemon publishes it, so one here would only wait for the disk twice.
    static func save(_ bytes: Data, as path: String, in directory: URL) throws(ThumbnailError) {
        let final = directory.appendingPathComponent(path).path
        let temporary = directory.appendingPathComponent(".\(path).\(UInt64.random(in: 0...UInt64.max)).partial").path
        func failure(_ what: String) -> ThumbnailError {
            let cause = String(cString: strerror(errno))
            unlink(temporary)
            return ThumbnailError(.io, "cannot \(what) \(path) in \(directory.path)", cause: cause)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure("create") }
        let written = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let count = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard written else {
            let error = failure("write")
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure("write") }
        guard rename(temporary, final) == 0 else { throw failure("rename") }
    }
}
