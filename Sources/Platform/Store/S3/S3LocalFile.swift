import Foundation
import CDispatch  // `struct stat` is attributed to CDispatch under MemberImportVisibility
import Glibc

/// A local file an upload reads from: opened once, read by offset (so a retried part re-reads
/// its own bytes), closed when released.
final class LocalFile {
    let path: String
    let fd: Int32
    let size: Int64

    init(_ path: String) throws {
        self.path = path
        fd = try StoreSystem.open(path, O_RDONLY)
        do {
            size = Int64(try StoreSystem.status(fd, path: path).st_size)
        } catch {
            StoreSystem.close(fd)
            throw error
        }
    }

    deinit { StoreSystem.close(fd) }

    /// `count` bytes from `offset` (fewer if the file is shorter).
    func read(at offset: Int64, count: Int) throws -> Data {
        var data = Data(count: count)
        var done = 0
        try data.withUnsafeMutableBytes { buffer in
            while done < buffer.count {
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
                let read = try StoreSystem.read(fd, into: slice, at: offset + Int64(done), path: path)
                if read == 0 { break }
                done += read
            }
        }
        if done < count { data.removeSubrange(done...) }
        return data
    }

    /// The SHA-256 of the whole file as hex, read in 1 MiB chunks.
    func sha256Hex() throws -> String {
        var hasher = SHA256Hasher()
        var offset: Int64 = 0
        while offset < size {
            let chunk = try read(at: offset, count: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(chunk)
            offset += Int64(chunk.count)
        }
        return hasher.finalizeHex()
    }
}
