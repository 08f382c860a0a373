import Foundation

/// Where B's and C's daemons keep objects — the one place the multi-host test names the store.
///
/// `s3`: a bucket on host A's S3 server (`HostAS3`, moto with authentication on), reached by
/// `serve --store s3://BUCKET/PREFIX --s3-endpoint http://<A's address for that host>:PORT`
/// with the keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; `missing` asks the bucket. The
/// test runs this one (`MultiHostTests.store`). `sharedDirectory`: one directory both reach
/// (they are namespaces of one machine, so a path stands in for a shared mount).
enum MultiHostStore {
    case sharedDirectory(String)
    case s3(HostAS3)

    /// Sets the store up before the daemons start.
    func prepare(hosts: NetworkHosts) async throws {
        switch self {
        case .sharedDirectory(let path):
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        case .s3(let server):
            try await server.start(hosts: hosts)
        }
    }

    /// `serve`'s flags on host B (`forC` false) or C.
    func serveArguments(hosts: NetworkHosts, forC: Bool) -> [String] {
        switch self {
        case .sharedDirectory(let path): ["--store", path]
        case .s3(let server):
            ["--store", "s3://\(server.bucket)/\(server.prefix)", "--s3-endpoint", server.endpoint(hosts: hosts, forC: forC)]
        }
    }

    /// Environment `serve` needs for this store.
    var environment: [String: String] {
        switch self {
        case .sharedDirectory: [:]
        case .s3(let server): server.environment
        }
    }

    /// The object keys among `keys` that are not stored.
    func missing(_ keys: [String], hosts: NetworkHosts) async throws -> [String] {
        switch self {
        case .sharedDirectory(let path): keys.filter { !FileManager.default.fileExists(atPath: path + "/" + $0) }
        case .s3(let server): try await server.missing(keys, hosts: hosts)
        }
    }
}
