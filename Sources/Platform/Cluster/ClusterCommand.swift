import CSpawnShim
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs PostgreSQL's server-side tools (`initdb`, `pg_ctl`) for `EmbeddedPostgres`.
///
/// PostgreSQL refuses to run as root, so when this process is root every command runs as the
/// `postgres` system user through `runuser`, and the cluster's files belong to that user.
struct ClusterCommand: Sendable {
    /// Directory holding `initdb` and `pg_ctl`.
    let binDirectory: String
    /// Run the tools as this user (root only); nil runs them as ourselves.
    let runAsUser: String?

    init(binDirectory: String?) throws {
        guard let bin = binDirectory ?? Self.findBinDirectory() else {
            throw DatabaseError(
                .clusterFailed,
                "PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package or set the bin directory"
            )
        }
        self.binDirectory = bin
        self.runAsUser = geteuid() == 0 ? "postgres" : nil
        if let user = runAsUser, getpwnam(user) == nil {
            throw DatabaseError(
                .clusterFailed,
                "running as root, but there is no '\(user)' user to run PostgreSQL as; install the postgresql package"
            )
        }
    }

    /// Debian installs the server under /usr/lib/postgresql/<major>/bin; prefer the newest,
    /// then fall back to whatever `initdb` is on PATH.
    static func findBinDirectory() -> String? {
        let fm = FileManager.default
        let root = "/usr/lib/postgresql"
        let majors = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for major in majors {
            let dir = "\(root)/\(major)/bin"
            if fm.isExecutableFile(atPath: "\(dir)/initdb"), fm.isExecutableFile(atPath: "\(dir)/pg_ctl") {
                return dir
            }
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init)
        where fm.isExecutableFile(atPath: "\(dir)/initdb") && fm.isExecutableFile(atPath: "\(dir)/pg_ctl") {
            return dir
        }
        return nil
    }

    struct Output {
        var status: Int32
        var text: String
    }

    /// Runs `tool` with `arguments` and returns its exit status and combined output.
    func run(_ tool: String, _ arguments: [String]) throws -> Output {
        let toolPath = "\(binDirectory)/\(tool)"
        if let user = runAsUser {
            return try execute(Self.runuserPath, ["-u", user, "--", toolPath] + arguments)
        }
        return try execute(toolPath, arguments)
    }

    /// Gives the cluster's files to the user the server runs as.
    func chown(_ path: String) throws {
        guard let user = runAsUser, let entry = getpwnam(user) else { return }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        let fm = FileManager.default
        var paths = [path]
        if let enumerator = fm.enumerator(atPath: path) {
            for case let relative as String in enumerator { paths.append("\(path)/\(relative)") }
        }
        for item in paths where lchown(item, uid, gid) != 0 {
            throw DatabaseError(.clusterFailed, "cannot give \(item) to \(user): \(String(cString: strerror(errno)))")
        }
    }

    /// True when the server's user can reach `path` (every parent directory searchable).
    func isReachable(_ path: String) throws -> Bool {
        guard let user = runAsUser else { return true }
        return try execute(Self.runuserPath, ["-u", user, "--", "/usr/bin/test", "-x", path]).status == 0
    }

    private static let runuserPath =
        FileManager.default.isExecutableFile(atPath: "/sbin/runuser") ? "/sbin/runuser" : "/usr/sbin/runuser"

    /// Spawns `executable` and waits for it with `waitpid`. Foundation's `Process` is not
    /// used: its `waitUntilExit` can hang when called from a Swift concurrency thread.
    private func execute(_ executable: String, _ arguments: [String]) throws -> Output {
        // Output goes to a file, not a pipe: `pg_ctl start` leaves the server running with
        // the descriptors it inherited, so a pipe would never reach end-of-file.
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("mediadaemon-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        var environment = ProcessInfo.processInfo.environment
        // initdb and the server inherit a locale; make it one that always exists.
        environment["LC_ALL"] = "C.UTF-8"
        environment["LANG"] = "C.UTF-8"
        environment.removeValue(forKey: "PGDATA")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours: the server outlives this process's pipes (another thread's
        // child's output pipe held open by postgres never reaches end-of-file).
        md_spawn_close_from(&actions, 3)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw DatabaseError(.clusterFailed, "could not run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw DatabaseError(.clusterFailed, "waiting for \(executable) failed: \(String(cString: strerror(errno)))")
            }
        }
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        // WIFEXITED / WEXITSTATUS are macros: decode the status word by hand.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: exitStatus, text: String(decoding: data, as: UTF8.self))
    }
}
