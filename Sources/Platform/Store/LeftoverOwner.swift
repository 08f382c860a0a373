import CDispatch  // `struct stat` (MemberImportVisibility)
public import Foundation
import Glibc
import Synchronization

/// This process's mark on the temporary files it writes, so that a sweeper can tell the
/// leftovers of a dead writer (removed at once) from the files of a live one (kept).
///
/// Each process draws a random `tag` and names its temporaries with it (`.tmp-<tag>-…`,
/// `mediadaemon-upload-<tag>-…`, `job-<tag>-…`). Before writing temporaries in a directory it
/// claims that directory: it creates `<directory>/.tmp-owners/<tag>` and holds an exclusive
/// `flock` on it for the rest of its life. The kernel drops the lock when the process ends,
/// however it ends (SIGKILL included), so a sweeper that can take the lock knows the writer is
/// gone, and one that cannot knows it is alive — whatever the files' ages. The descriptor is
/// close-on-exec: no child (pg_ctl, a worker) inherits the lock and keeps it alive.
///
/// `.tmp-` is the store's reserved prefix: no object key can name the owners folder, and
/// store listings skip it. A tag without a lock file in the directory (a writer on another
/// host with its own view of the folder, or an older version) tells nothing: the sweeper's age
/// rule applies.
public enum LeftoverOwner {
    /// Name of the folder holding the lock files, in each directory with temporaries.
    public static let directoryName = ".tmp-owners"

    /// This process's tag: 12 lowercase hex digits.
    public static let tag: String = {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }()

    /// Directories claimed so far, with the descriptor holding each lock.
    private static let claimed = Mutex<[String: Int32]>([:])

    /// Holds this process's lock in `directory` (once per directory; later calls return at
    /// once). Call before creating temporaries there.
    public static func claim(_ directory: String) throws(StoreError) {
        try claimed.withLock { (held: inout [String: Int32]) throws(StoreError) in
            if held[directory] != nil { return }
            let folder = directory + "/" + directoryName
            try StoreSystem.makeDirectories(folder)
            let path = folder + "/" + tag
            // A sweeper may take the fresh file's lock before we do and unlink it, believing
            // its owner dead: then lock the new file again.
            while true {
                let fd = try StoreSystem.open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode: 0o600)
                while flock(fd, LOCK_EX) != 0 {
                    guard errno == EINTR else {
                        let error = StoreSystem.error("flock", path: path)
                        StoreSystem.close(fd)
                        throw error
                    }
                }
                var opened = stat()
                var named = stat()
                if fstat(fd, &opened) == 0, stat(path, &named) == 0, opened.st_ino == named.st_ino,
                    opened.st_dev == named.st_dev
                {
                    held[directory] = fd
                    return
                }
                StoreSystem.close(fd)
            }
        }
    }

    /// The tag in a temporary's `name` after `prefix` (the characters up to the next `-`), or
    /// nil when there is none.
    static func tag(in name: Substring, after prefix: String) -> String? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let end = rest.firstIndex(of: "-") else { return nil }
        let tag = rest[..<end]
        guard !tag.isEmpty, tag.allSatisfy({ $0.isHexDigit }) else { return nil }
        return String(tag)
    }

    /// The dead owners of `directory`: tags whose lock file nobody holds. Each lock stays
    /// held by the returned descriptors until `release` (so nothing changes under the sweep).
    static func abandoned(in directory: String) -> [String: Int32] {
        let folder = directory + "/" + directoryName
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var result: [String: Int32] = [:]
        for name in names where name != tag && name.allSatisfy({ $0.isHexDigit }) {
            let fd = open(folder + "/" + name, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                result[name] = fd
            } else {
                Glibc.close(fd)
            }
        }
        return result
    }

    /// Removes the lock files of `owners` (from `abandoned`) and lets them go.
    static func release(_ owners: [String: Int32], in directory: String) {
        for (name, fd) in owners {
            unlink(directory + "/" + directoryName + "/" + name)
            Glibc.close(fd)
        }
    }
}
