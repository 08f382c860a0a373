public import Foundation

/// Credentials for Signature V4 (the standard `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`; the composition root reads them).
public struct S3Credentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials' session token, sent as `x-amz-security-token`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// Where an S3 store's objects live and how requests reach them.
public struct S3Configuration: Sendable {
    /// Bucket name.
    public var bucket: String
    /// Key prefix every object gets (empty, or ending in `/`).
    public var prefix: String
    /// Scheme, host and port of the service, e.g. `https://s3.eu-west-1.amazonaws.com`.
    public var endpoint: URL
    public var region: String
    /// `endpoint/bucket/key` when true (MinIO, moto, Ceph), `bucket.endpoint/key` when false.
    public var pathStyle: Bool
    public var credentials: S3Credentials
    public var retry = S3Retry()
    /// Files larger than this go up as multipart uploads.
    public var multipartThreshold = 16 << 20
    /// Size of a multipart upload's parts (S3's minimum is 5 MiB, but for the last).
    public var partSize = 8 << 20
    /// Keys per ListObjectsV2 page and per DeleteObjects batch (S3's maximum is 1,000).
    public var pageSize = 1000
    /// Bound on one request, from sending to the last byte of its answer: a stalled server
    /// costs this, then the request is retried.
    public var requestTimeout: Duration = .seconds(60)

    /// `s3://BUCKET/PREFIX` with the service at `endpoint` (default: AWS's regional endpoint,
    /// virtual-host addressing); `pathStyle` nil picks path-style for any other endpoint.
    public init(
        url text: String, endpoint: String?, region: String, pathStyle: Bool?, credentials: S3Credentials
    ) throws {
        guard text.hasPrefix("s3://") else {
            throw StoreError(.invalidKey, "an S3 store is named s3://BUCKET/PREFIX", path: text)
        }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix(while: { $0 != "/" }))
        var prefix = String(rest.dropFirst(bucket.count).drop(while: { $0 == "/" }))
        if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
        guard !bucket.isEmpty, bucket.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw StoreError(.invalidKey, "bad bucket name", path: text)
        }
        try ObjectKey.validate(prefix, allowingPartialPrefix: true)
        let endpointText = endpoint ?? "https://s3.\(region).amazonaws.com"
        guard let url = URL(string: endpointText), let scheme = url.scheme, scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw StoreError(.invalidKey, "the S3 endpoint must be an http(s) URL", path: endpointText)
        }
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint = url
        self.region = region
        self.pathStyle = pathStyle ?? (endpoint != nil)
        self.credentials = credentials
    }

    /// `host[:port]` requests go to (the bucket's own host under virtual-host addressing).
    var host: String {
        let name = endpoint.host ?? ""
        let port = endpoint.port.map { ":\($0)" } ?? ""
        return (pathStyle ? name : bucket + "." + name) + port
    }

    /// The encoded request path of a full object key (`nil`: the bucket itself).
    func path(forObject key: String?) -> String {
        let bucketPath = pathStyle ? "/" + bucket : ""
        guard let key else { return bucketPath.isEmpty ? "/" : bucketPath }
        return bucketPath + "/" + S3Signer.encode(key, keepingSlash: true)
    }

    /// `scheme://host` of requests.
    var origin: String { "\(endpoint.scheme ?? "https")://\(host)" }
}

/// Retries of failed S3 requests: 5xx answers (503 SlowDown included), resets and timeouts are
/// retried with exponential backoff and full jitter; 4xx answers never are (the same request
/// would fail the same way).
public struct S3Retry: Sendable {
    /// Attempts in all, the first included.
    public var attempts = 8
    /// Backoff ceiling of the first retry; it doubles per retry up to `maximumDelay`.
    public var baseDelay: Duration = .milliseconds(100)
    public var maximumDelay: Duration = .seconds(10)

    public init() {}

    /// The pause before retry number `retry` (1 for the first): uniform in [0, ceiling].
    func delay(beforeRetry retry: Int) -> Duration {
        let shift = min(max(retry - 1, 0), 30)
        let ceiling = min(baseDelay * (1 << shift), maximumDelay)
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(nanos, 0)))
    }
}
