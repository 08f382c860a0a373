import Foundation
import Glibc

/// AWS Signature Version 4 for S3: the `Authorization` header of a request and presigned URLs.
///
/// Follows the S3 variant: the path is encoded once (not normalised, not double-encoded), the
/// payload hash is sent as `x-amz-content-sha256` and signed, and presigned URLs sign
/// `UNSIGNED-PAYLOAD`. Checked against botocore's signer on generated requests
/// (`S3SignerTests`). Pure: `now` is a parameter.
struct S3Signer: Sendable {
    var credentials: S3Credentials
    var region: String
    var service = "s3"

    /// A request to sign: `path` is already URI-encoded (`S3Signer.encode`), `query` holds raw
    /// names and values, `headers` the ones to send and sign (names in any case).
    struct Request {
        var method: String
        var host: String
        var path: String
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
    }

    /// The headers to add to `request` (`x-amz-date`, `x-amz-content-sha256`, the session
    /// token when there is one, `Authorization`); `payloadHash` is the body's SHA-256 hex.
    func authorize(_ request: Request, payloadHash: String, now: Date) -> [(String, String)] {
        let (stamp, day) = Self.timestamps(now)
        var added = [("x-amz-date", stamp), ("x-amz-content-sha256", payloadHash)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signing = request
        signing.headers += added
        let (canonical, signed) = canonicalRequest(signing, payloadHash: payloadHash)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let signature = sign(canonical, stamp: stamp, day: day, scope: scope)
        added.append(
            ("Authorization",
             "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signed), Signature=\(signature)"))
        return added
    }

    /// The query string (without `?`) of a presigned URL for `request`, valid `expires` seconds
    /// from `now`. Only `host` is signed, with `UNSIGNED-PAYLOAD`.
    func presignedQuery(_ request: Request, expires: Int, now: Date) -> String {
        let (stamp, day) = Self.timestamps(now)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        var signing = request
        signing.headers = [("host", request.host)]
        signing.query += [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", stamp), ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { signing.query.append(("X-Amz-Security-Token", token)) }
        let (canonical, _) = canonicalRequest(signing, payloadHash: "UNSIGNED-PAYLOAD")
        let signature = sign(canonical, stamp: stamp, day: day, scope: scope)
        return Self.canonicalQuery(signing.query) + "&X-Amz-Signature=" + signature
    }

    /// The canonical request and the signed-headers list.
    func canonicalRequest(_ request: Request, payloadHash: String) -> (String, String) {
        var headers: [String: [String]] = [:]
        for (name, value) in request.headers {
            headers[name.lowercased(), default: []].append(value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        }
        if headers["host"] == nil { headers["host"] = [request.host] }
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(headers[$0, default: []].joined(separator: ","))\n" }.joined()
        let signed = names.joined(separator: ";")
        let text = [
            request.method, request.path, Self.canonicalQuery(request.query), canonicalHeaders, signed, payloadHash,
        ].joined(separator: "\n")
        return (text, signed)
    }

    /// Names and values encoded, sorted by name then value, joined with `&`.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (encode($0.0), encode($0.1)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other UTF-8 byte
    /// as `%XX` (upper case); `/` kept when `keepingSlash` (object keys in a path).
    static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "/") where keepingSlash:
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func sign(_ canonical: String, stamp: String, day: String, scope: String) -> String {
        let stringToSign = "AWS4-HMAC-SHA256\n\(stamp)\n\(scope)\n\(S3Digest.sha256Hex(Array(canonical.utf8)))"
        var key = S3Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), day)
        key = S3Digest.hmacSHA256(key: key, region)
        key = S3Digest.hmacSHA256(key: key, service)
        key = S3Digest.hmacSHA256(key: key, "aws4_request")
        return S3Digest.hex(S3Digest.hmacSHA256(key: key, stringToSign))
    }

    /// `yyyyMMddTHHmmssZ` and `yyyyMMdd` in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
        return ("\(day)T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z", day)
    }
}
