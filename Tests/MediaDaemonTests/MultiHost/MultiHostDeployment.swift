import Foundation
import Logging
import Platform
import Testing

/// Host A (PostgreSQL, optionally its replica, and the store's server when it has one), hosts B
/// and C (`serve` each, on 0.0.0.0:8080 in their namespace), a store both reach (`MultiHostStore`);
/// requests go through `ip netns exec HOST curl`.
final class MultiHostDeployment: Sendable {
    let directory: URL
    let hosts: NetworkHosts
    let postgres: HostAPostgres
    let store: MultiHostStore
    let leaseSeconds = 3
    let feedTTL = 1

    init(directory: URL, hosts: NetworkHosts, store: MultiHostStore) {
        self.directory = directory
        self.hosts = hosts
        self.postgres = HostAPostgres(hosts: hosts, directory: directory)
        self.store = store
    }

    static func make(prefix: String, store: (URL) -> MultiHostStore) async throws -> MultiHostDeployment {
        let directory = URL(fileURLWithPath: "/tmp/\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let hosts = try await NetworkHosts.create(in: directory)
        let deployment = MultiHostDeployment(directory: directory, hosts: hosts, store: store(directory))
        do {
            try await deployment.postgres.start()
            try await deployment.store.prepare(hosts: hosts)
        } catch {
            await deployment.tearDown()
            throw error
        }
        return deployment
    }

    /// Stops everything and deletes the namespaces and files, whatever state they are in.
    func tearDown() async {
        await postgres.stop()
        await hosts.remove()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts `serve` on B or C and waits until it listens.
    func serve(onC: Bool, replica: Bool = false) async throws -> ChildProcess {
        let host = onC ? hosts.c : hosts.b
        let data = directory.path + (onC ? "/c" : "/b")
        var arguments = [
            DaemonProcess.binary, "serve", "--data", data, "--database-url", postgres.url(forC: onC),
            "--host", "0.0.0.0", "--port", "8080", "--photo-workers", "1", "--lease-seconds", "\(leaseSeconds)",
            "--feed-cache-ttl", "\(feedTTL)", "--upload-limit", "1000,100000", "--db-pool", "4",
        ] + store.serveArguments(hosts: hosts, forC: onC)
        if replica { arguments += ["--database-read-url", postgres.url(forC: onC, port: 5433), "--replica-max-lag", "2"] }
        let daemon = try ChildProcess(
            "/usr/sbin/ip", hosts.exec(host, arguments), directory: directory, environment: store.environment)
        try #require(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        return daemon
    }

    /// `curl` inside B or C against its daemon: status and body.
    func curl(onC: Bool, _ arguments: [String]) async throws -> (status: Int, body: [String: Any]) {
        let result = try await ChildProcess(
            "/usr/sbin/ip",
            hosts.exec(onC ? hosts.c : hosts.b, ["/usr/bin/curl", "-sS", "--max-time", "30", "-w", "\n%{http_code}"] + arguments),
            directory: directory
        ).waitForExit()
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = lines.last.flatMap { Int($0) } ?? 0
        let body = lines.dropLast().joined(separator: "\n")
        return (status, (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:])
    }

    /// Registers `name` through B or C; its user id and token.
    func user(_ name: String, onC: Bool) async throws -> (id: String, token: String) {
        let credentials = "{\"username\": \"\(name)\", \"password\": \"a long passphrase\"}"
        let json = ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", credentials]
        #expect(try await curl(onC: onC, json + ["http://127.0.0.1:8080/api/v1/users"]).status == 201)
        let session = try await curl(onC: onC, json + ["http://127.0.0.1:8080/api/v1/sessions"])
        return (try #require(session.body["user_id"] as? String), try #require(session.body["token"] as? String))
    }

    /// Uploads `files` one after another through B or C; the HTTP statuses.
    func upload(_ files: [String], onC: Bool, token: String) async throws -> [Int] {
        let script = """
            t="$1"; shift
            for f in "$@"; do
                curl -sS --max-time 60 -o /dev/null -w '%{http_code}\\n' -H "Authorization: Bearer $t" \
                    -F "media=@$f" http://127.0.0.1:8080/api/v1/posts || echo 0
            done
            """
        let result = try await ChildProcess(
            "/usr/sbin/ip", hosts.exec(onC ? hosts.c : hosts.b, ["/bin/sh", "-c", script, "sh", token] + files),
            directory: directory
        ).waitForExit()
        return result.stdout.split(separator: "\n").map { Int($0) ?? 0 }
    }

    /// Rows of `sql` on A's primary (through its socket), every column as text.
    func rows(_ sql: String) throws -> [[String: String]] {
        let connection = try DatabaseConnection(url: postgres.localURL, logger: Logger(label: "multi-host-check"))
        let result = try connection.query(sql)
        return try result.map { row in
            var values: [String: String] = [:]
            for column in result.columns { values[column.name] = try row[column.name, as: String?.self] ?? "" }
            return values
        }
    }

    func count(_ sql: String) throws -> Int {
        Int(try rows(sql).first?.values.first ?? "") ?? -1
    }
}
