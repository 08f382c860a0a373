import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `flock` on `serve.lock` in the embedded cluster's directory: says that a long-running
/// process (`serve`) uses the cluster, so a short-lived one (a CLI command) that started the
/// cluster must leave it running.
///
/// `serve` holds a shared lock for as long as it runs (several may share a cluster). A CLI
/// command that started the cluster stops it only while holding the exclusive lock, which it
/// gets only when no `serve` holds the shared one; a `serve` starting meanwhile waits for the
/// stop to finish and then starts the cluster itself. The kernel drops the lock when its
/// holder exits, however it exits, so a killed `serve` never leaves it behind.
public final class ClusterUseLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Gives the lock up before the process exits (closing the handle does too).
    public func release() {
        _ = flock(descriptor, LOCK_UN)
    }

    /// The lock file for the cluster in `clusterDirectory`.
    public static func path(clusterDirectory: String) -> String { clusterDirectory + "/serve.lock" }

    /// Takes the shared lock, waiting while a CLI command stops the cluster.
    public static func shared(clusterDirectory: String) throws -> ClusterUseLock {
        let lock = try open(clusterDirectory)
        while flock(lock.descriptor, LOCK_SH) != 0 {
            guard errno == EINTR else { throw failure("cannot lock", clusterDirectory) }
        }
        return lock
    }

    /// Takes the exclusive lock if no process holds the shared one; nil when one does.
    public static func exclusiveIfUnused(clusterDirectory: String) throws -> ClusterUseLock? {
        let lock = try open(clusterDirectory)
        while flock(lock.descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return nil }
            guard errno == EINTR else { throw failure("cannot lock", clusterDirectory) }
        }
        return lock
    }

    private static func open(_ clusterDirectory: String) throws -> ClusterUseLock {
        do {
            try FileManager.default.createDirectory(atPath: clusterDirectory, withIntermediateDirectories: true)
        } catch {
            throw DatabaseError(.clusterFailed, "cannot create \(clusterDirectory): \(error.localizedDescription)")
        }
        let descriptor = Glibc.open(path(clusterDirectory: clusterDirectory), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot open", clusterDirectory) }
        return ClusterUseLock(descriptor: descriptor)
    }

    private static func failure(_ what: String, _ clusterDirectory: String) -> DatabaseError {
        DatabaseError(
            .clusterFailed, "\(what) \(path(clusterDirectory: clusterDirectory)): \(String(cString: strerror(errno)))")
    }
}
