import ArgumentParser
import Platform

/// How an `s3://` store is reached: endpoint, region, addressing and credentials, from
/// `--s3-endpoint`, `--s3-region`, `--s3-addressing` and the standard `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` variables.
struct S3Access: Sendable {
    var endpoint: String?
    var region = "us-east-1"
    /// nil: path-style with an explicit endpoint, virtual-host for AWS.
    var pathStyle: Bool?
    var credentials: S3Credentials?

    init() {}

    init(
        endpoint: String?, region: String?, addressing: String?, accessKeyID: String?, secretAccessKey: String?,
        sessionToken: String?
    ) throws {
        self.endpoint = endpoint
        if let region { self.region = region }
        switch addressing {
        case nil: pathStyle = nil
        case "path": pathStyle = true
        case "virtual": pathStyle = false
        case let other?: throw ValidationError("unknown S3 addressing '\(other)'; use path or virtual")
        }
        if let accessKeyID, let secretAccessKey {
            credentials = S3Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        }
    }
}

extension DaemonConfiguration {
    /// The configured object store: `s3://BUCKET/PREFIX` (credentials required), else a root
    /// directory.
    func makeStore() throws -> ObjectStore {
        guard storeDirectory.hasPrefix("s3://") else { return try ObjectStore(root: storeDirectory) }
        guard let credentials = s3.credentials else {
            throw ValidationError("an s3:// store needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        let configuration = try S3Configuration(
            url: storeDirectory, endpoint: s3.endpoint, region: s3.region, pathStyle: s3.pathStyle, credentials: credentials)
        return ObjectStore(.s3(S3Store(configuration)))
    }
}
