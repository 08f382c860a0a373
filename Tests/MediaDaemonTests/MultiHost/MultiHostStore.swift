import Foundation

/// Where B's and C's daemons keep objects — the one place the multi-host test names the store.
///
/// Today: one directory both reach (they are namespaces of one machine, so a path stands in
/// for a shared mount). To run against S3, add a case `s3(bucket:, endpointPort:)` that
/// `prepare` starts moto on host A for (`ip netns exec A <venv>/bin/python -m moto.server -H
/// <A's address> -p PORT`, the venv from `scripts/test-venv`), whose `serveArguments` are
/// `["--store", "s3://BUCKET", "--s3-endpoint", "http://<A's address for that host>:PORT"]`
/// (plus AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in `environment`), and whose `contains`
/// asks the bucket (a HEAD per key); then pick it in `MultiHostTests.store`.
enum MultiHostStore {
    case sharedDirectory(String)

    /// Sets the store up before the daemons start.
    func prepare(hosts: NetworkHosts) async throws {
        switch self {
        case .sharedDirectory(let path):
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }

    /// `serve`'s flags on host B (`forC` false) or C.
    func serveArguments(hosts: NetworkHosts, forC: Bool) -> [String] {
        switch self {
        case .sharedDirectory(let path): ["--store", path]
        }
    }

    /// Environment `serve` needs for this store.
    var environment: [String: String] {
        switch self {
        case .sharedDirectory: [:]
        }
    }

    /// Whether the object `key` is stored.
    func contains(_ key: String) -> Bool {
        switch self {
        case .sharedDirectory(let path): FileManager.default.fileExists(atPath: path + "/" + key)
        }
    }
}
