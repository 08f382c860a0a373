import Foundation
import Synchronization
import Testing

/// moto's S3 server on host A (`scripts/s3/moto-server.py` from the test venv), request
/// authentication on, with the bucket made: bound to 0.0.0.0 inside A's namespace, which holds
/// only A's loopback and its two addresses, so B reaches it at A's address for B and C at A's
/// address for C, as with PostgreSQL. It runs until the namespace is removed (`NetworkHosts.remove`
/// kills what runs in A).
///
/// moto reports every multipart upload as initiated in 2010, so a daemon's abort sweep
/// (`UploadSweeper`, uploads older than a day, at start-up and hourly) would take a multipart
/// upload in flight for an abandoned one. The test's photos are far below the multipart
/// threshold (16 MiB), so every put is a single request and none is at risk.
final class HostAS3: Sendable {
    /// The bucket and the key prefix the daemons store under (`s3://BUCKET/PREFIX`).
    let bucket = "media"
    let prefix = "mh"
    let directory: URL

    private struct Started {
        var server: ChildProcess
        var port: Int
        var accessKey: String
        var secretKey: String
    }
    private let started = Mutex<Started?>(nil)

    /// Whether the test venv has moto (`scripts/setup --tests`).
    static var available: Bool { MotoVenv.hasMoto }

    init(directory: URL) {
        self.directory = directory
    }

    /// Starts the server in A and waits for its credentials line.
    func start(hosts: NetworkHosts) async throws {
        let server = try ChildProcess(
            "/usr/sbin/ip",
            hosts.exec(hosts.a, [
                MotoVenv.path + "/bin/python", MotoVenv.repository + "/scripts/s3/moto-server.py", bucket, "--forever",
                "--host", "0.0.0.0",
            ]),
            directory: directory)
        try #require(await server.waitForStderr(containing: "moto-server ready"), "\(server.stderr)")
        // Its endpoint line comes on the other pipe, which may be read later.
        try #require(await server.waitForOutput { server.stdout.hasSuffix("\n") }, "\(server.stderr)")
        let line = try #require(try JSONSerialization.jsonObject(with: Data(server.stdout.utf8)) as? [String: String])
        let port = try #require(line["endpoint"].flatMap { URL(string: $0)?.port }, "\(line)")
        let accessKey = try #require(line["access_key"])
        let secretKey = try #require(line["secret_key"])
        started.withLock { $0 = Started(server: server, port: port, accessKey: accessKey, secretKey: secretKey) }
    }

    /// The endpoint as B (`forC` false) or C reaches it.
    func endpoint(hosts: NetworkHosts, forC: Bool) -> String {
        "http://\(forC ? hosts.addressAForC : hosts.addressAForB):\(started.withLock { $0?.port ?? 0 })"
    }

    /// The credentials, as `serve` reads them.
    var environment: [String: String] {
        started.withLock { started in
            guard let started else { return [:] }
            return ["AWS_ACCESS_KEY_ID": started.accessKey, "AWS_SECRET_ACCESS_KEY": started.secretKey]
        }
    }

    /// The store keys among `keys` the bucket does not hold: a HEAD per key, from host A
    /// (`scripts/s3/missing-keys.py`). Throws when the bucket cannot be asked.
    func missing(_ keys: [String], hosts: NetworkHosts) async throws -> [String] {
        let list = directory.appendingPathComponent("keys-\(UUID().uuidString.prefix(8))")
        try keys.map { prefix + "/" + $0 + "\n" }.joined().write(to: list, atomically: true, encoding: .utf8)
        let endpoint = "http://127.0.0.1:\(started.withLock { $0?.port ?? 0 })"  // A's own loopback
        let result = try await ChildProcess(
            "/usr/sbin/ip",
            hosts.exec(hosts.a, [
                MotoVenv.path + "/bin/python", MotoVenv.repository + "/scripts/s3/missing-keys.py", endpoint, bucket, list.path,
            ]),
            directory: directory, environment: environment
        ).waitForExit()
        try #require(result.status == 0, "asking the bucket failed: \(result.stderr)")
        return result.stdout.split(separator: "\n").map { String($0.dropFirst(prefix.count + 1)) }
    }
}
