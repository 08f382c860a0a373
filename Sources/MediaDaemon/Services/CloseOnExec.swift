import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Makes the process's open descriptors close-on-exec, so no program this process starts
/// inherits one: above all the HTTP listening socket, which a surviving child would keep bound
/// (the Swift runtime's crash backtracer, blocked for minutes, held the port once).
///
/// Our own spawns pass only the descriptors they name (`posix_spawn` with close-from), and
/// libpq and Foundation open theirs close-on-exec; SwiftNIO does not (its listening socket,
/// epoll and some event descriptors), and the backtracer is spawned by the runtime with
/// whatever is inheritable. Run once the HTTP server listens. Standard input, output and
/// error stay inheritable. Descriptors opened later by NIO (accepted connections) are not
/// covered; no child of ours receives them.
enum CloseOnExec {
    /// Sets FD_CLOEXEC on every open descriptor above 2; returns how many lacked it.
    @discardableResult
    static func markOpenDescriptors(logger: Logger? = nil) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        var marked = 0
        for name in names {
            guard let descriptor = Int32(name), descriptor > 2 else { continue }
            let flags = fcntl(descriptor, F_GETFD)
            // -1: the directory listing's own descriptor, closed since.
            guard flags >= 0, flags & FD_CLOEXEC == 0 else { continue }
            if fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) == 0 { marked += 1 }
        }
        logger?.debug("descriptors made close-on-exec", metadata: ["count": "\(marked)"])
        return marked
    }
}
