import Glibc

/// The unprivileged account worker children run as when the daemon runs as root
/// (`--worker-user`, default `nobody`: the account every Debian-based system has, which owns
/// no files). Children of a non-root daemon keep the daemon's own uid.
struct WorkerUser: Sendable, Equatable {
    var name: String
    var uid: UInt32
    var gid: UInt32

    /// The account `name` from the password database; throws when there is none, so `serve`
    /// refuses to start rather than run children as root.
    init(named name: String) throws {
        guard let entry = getpwnam(name) else {
            throw MediaFailure.configuration(
                code: "unknown_worker_user",
                message: "--worker-user \(name): no such user; worker processes do not run as root (create it or name another)")
        }
        guard entry.pointee.pw_uid != 0 else {
            throw MediaFailure.configuration(code: "root_worker_user", message: "--worker-user \(name) is root")
        }
        self.init(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    init(name: String, uid: UInt32, gid: UInt32) {
        (self.name, self.uid, self.gid) = (name, uid, gid)
    }

    /// The account children run as in this process: `name` when it runs as root, else nil.
    static func forChildren(named name: String) throws -> WorkerUser? {
        geteuid() == 0 ? try WorkerUser(named: name) : nil
    }

    /// Gives `path` to this account (the parent, as root, still reads and removes it).
    func own(_ path: String) throws {
        guard chown(path, uid, gid) == 0 else {
            throw MediaFailure.internalError("chown \(path) to \(name) failed: \(String(cString: strerror(errno)))")
        }
    }
}
