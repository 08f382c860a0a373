public import Foundation
import Glibc
import NIOHTTP1

/// An object store in an S3-compatible bucket: each object is `prefix + key`.
///
/// Puts are atomic by S3's nature (an object appears whole when its PUT or its multipart
/// upload's completion succeeds); files above `multipartThreshold` go up in parts, each with
/// a `Content-MD5` and retried on its own, and a failed upload is aborted (`sweepUploads` in
/// the maintenance removes what a crash left). Each object carries its SHA-256 in the
/// `x-amz-meta-sha256` metadata, which `head` reports as the ETag, so ETags match the
/// file-system store's; an object written by something else reports S3's own ETag.
///
/// Synchronous and blocking like `FileStore` (each request waits on the network): call it
/// off the async executor and never on an event loop. Thread-safe. Throws `StoreError`.
public struct S3Store: Sendable {
    public let configuration: S3Configuration
    let client: S3Client
    /// The metadata header holding an object's SHA-256.
    static let digestHeader = "x-amz-meta-sha256"
    /// Size of the ranged GETs `download` makes.
    static let downloadChunk: Int64 = 8 << 20

    public init(_ configuration: S3Configuration) {
        self.configuration = configuration
        client = S3Client(configuration: configuration)
    }

    /// The full S3 key of an object.
    func name(_ key: ObjectKey) -> String { configuration.prefix + key.rawValue }

    /// Stores `data` under `key` with one PUT.
    @discardableResult
    public func put(_ key: ObjectKey, data: Data) throws -> ObjectInfo {
        let digest = S3Digest.sha256Hex(data)
        let md5 = data.withUnsafeBytes { S3Digest.md5Base64($0) }
        let response = try client.send(
            .PUT, key: name(key),
            headers: [
                ("Content-MD5", md5), ("Content-Type", ObjectInfo.contentType(for: key)), (Self.digestHeader, digest),
            ], body: data)
        guard response.status == 200 else { throw client.error(response, "put", key: key.rawValue) }
        return ObjectInfo(
            key: key, size: Int64(data.count), etag: digest, contentType: ObjectInfo.contentType(for: key), modified: Date())
    }

    /// Uploads the local file at `source`: one PUT up to `multipartThreshold`, else a
    /// multipart upload.
    @discardableResult
    public func put(_ key: ObjectKey, fromFile source: String) throws -> ObjectInfo {
        let file = try LocalFile(source)
        if file.size <= Int64(configuration.multipartThreshold) {
            return try put(key, data: try file.read(at: 0, count: Int(file.size)))
        }
        return try putMultipart(key, file: file)
    }

    /// The whole object.
    public func get(_ key: ObjectKey) throws -> Data {
        let response = try client.send(.GET, key: name(key))
        guard response.status == 200 else { throw client.error(response, "get", key: key.rawValue) }
        return response.body
    }

    /// The bytes of `range` (one ranged GET).
    public func get(_ key: ObjectKey, range: ByteRange) throws -> Data {
        let header: String =
            switch range {
            case .closed(let first, let last): "bytes=\(first)-\(last)"
            case .from(let first): "bytes=\(first)-"
            case .suffix(let count): "bytes=-\(count)"
            }
        if case .suffix(let count) = range, count <= 0 {
            throw StoreError(.rangeNotSatisfiable, "the range selects no byte", path: key.rawValue)
        }
        let response = try client.send(.GET, key: name(key), headers: [("Range", header)])
        switch response.status {
        case 206: return response.body
        case 200:
            // A service that ignores Range sent everything: cut the range out of it.
            let bounds = try range.resolve(size: Int64(response.body.count), key: key.rawValue)
            return response.body.subdata(in: Int(bounds.lowerBound)..<Int(bounds.upperBound))
        default: throw client.error(response, "get", key: key.rawValue)
        }
    }

    /// Size, ETag (the stored SHA-256, else S3's ETag), content type and modification time.
    public func head(_ key: ObjectKey) throws -> ObjectInfo {
        guard let info = try headIfPresent(key) else {
            throw StoreError(.notFound, "no such object", path: key.rawValue, errno: ENOENT)
        }
        return info
    }

    /// When the object was last put; nil when there is none.
    public func modified(_ key: ObjectKey) throws -> Date? {
        try headIfPresent(key)?.modified
    }

    /// Removes an object; returns false when there was none (S3's DELETE does not say, so a
    /// HEAD asks first).
    @discardableResult
    public func delete(_ key: ObjectKey) throws -> Bool {
        guard try headIfPresent(key) != nil else { return false }
        let response = try client.send(.DELETE, key: name(key))
        guard response.status == 204 || response.status == 200 else { throw client.error(response, "delete", key: key.rawValue) }
        return true
    }

    /// A presigned GET URL for the object, valid for `lifetime` (at most 7 days, S3's limit).
    public func presignedGetURL(for key: ObjectKey, lifetime: Duration, now: Date = Date()) -> String {
        let signer = S3Signer(credentials: configuration.credentials, region: configuration.region)
        let path = configuration.path(forObject: name(key))
        let request = S3Signer.Request(method: "GET", host: configuration.host, path: path)
        let seconds = min(max(Int(lifetime.components.seconds), 1), 604_800)
        return configuration.origin + path + "?" + signer.presignedQuery(request, expires: seconds, now: now)
    }

    /// Downloads the object into a new local file at `path` in ranged GETs, checking its
    /// SHA-256 against the stored one.
    public func download(_ key: ObjectKey, to path: String) throws {
        let info = try head(key)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError(.io, "cannot create the download file", path: path, errno: errno) }
        defer { close(fd) }
        var hasher = SHA256Hasher()
        var offset: Int64 = 0
        while offset < info.size {
            let last = min(offset + Self.downloadChunk, info.size) - 1
            let chunk = try get(key, range: .closed(first: offset, last: last))
            guard chunk.count == Int(last - offset + 1) else {
                throw StoreError(.unavailable, "the object changed during its download", path: key.rawValue)
            }
            try chunk.withUnsafeBytes { bytes in
                hasher.update(bytes)
                try StoreSystem.writeAll(fd, bytes, path: path)
            }
            offset = last + 1
        }
        if info.etag.count == 64, hasher.finalizeHex() != info.etag {
            throw StoreError(.unavailable, "the downloaded bytes do not match the object's SHA-256", path: key.rawValue)
        }
    }

    /// `head`, or nil on 404.
    func headIfPresent(_ key: ObjectKey) throws -> ObjectInfo? {
        let response = try client.send(.HEAD, key: name(key))
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw client.error(response, "head", key: key.rawValue) }
        let etag = response.header(Self.digestHeader) ?? response.header("ETag")?.trimmingCharacters(in: ["\""]) ?? ""
        let size = response.header("Content-Length").flatMap { Int64($0) } ?? 0
        let modified = response.header("Last-Modified").flatMap(Self.httpDate) ?? Date(timeIntervalSince1970: 0)
        return ObjectInfo(key: key, size: size, etag: etag, contentType: ObjectInfo.contentType(for: key), modified: modified)
    }

    /// An RFC 7231 date (`Tue, 15 Nov 1994 08:12:31 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard fields.count == 6, let day = Int32(fields[1]), let month = months.firstIndex(of: String(fields[2])),
            let year = Int32(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int32($0) }
        guard clock.count == 3, (1...31).contains(day), (1970...9999).contains(year) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = Int32(month)
        parts.tm_mday = day
        parts.tm_hour = clock[0]
        parts.tm_min = clock[1]
        parts.tm_sec = clock[2]
        return Date(timeIntervalSince1970: Double(timegm(&parts)))
    }
}
