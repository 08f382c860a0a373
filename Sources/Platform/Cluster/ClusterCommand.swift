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

    private func execute(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // initdb and the server inherit a locale; make it one that always exists.
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment["LANG"] = "C.UTF-8"
        environment.removeValue(forKey: "PGDATA")
        process.environment = environment
        // Output goes to a file, not a pipe: `pg_ctl start` leaves the server running with
        // the descriptors it inherited, so a pipe would never reach end-of-file.
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("mediadaemon-\(UUID().uuidString).out").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath)
        else {
            throw DatabaseError(.clusterFailed, "cannot create \(outputPath) for \(executable)'s output")
        }
        defer {
            try? output.close()
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DatabaseError(.clusterFailed, "could not run \(executable): \(error)")
        }
        process.waitUntilExit()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }
}
