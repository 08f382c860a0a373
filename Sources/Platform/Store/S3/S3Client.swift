import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One S3 answer: status, headers and the whole body (GETs ask for bounded ranges).
struct S3Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// The `<Code>` of an S3 error document, when the body is one.
    var errorCode: String? { S3XML.values(of: "Code", in: body).first }
}

/// Signed S3 requests over AsyncHTTPClient's shared client, with `S3Retry`'s retries.
///
/// AsyncHTTPClient rather than libcurl: it is already in the build graph (HummingbirdTesting),
/// speaks HTTP/1.1 keep-alive pools and TLS through NIO, and needs no C shim for curl's
/// variadic setopt. The store's API is synchronous (callers run it off the executor), so each
/// request waits on its future from the calling thread: never call it on an event loop.
struct S3Client: Sendable {
    let configuration: S3Configuration

    /// Sends a request and returns the first answer below 500; transport failures and 5xx
    /// answers are retried, and when every attempt failed the error is `unavailable`.
    /// `key` is the full object key (store prefix included); nil addresses the bucket.
    func send(
        _ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Data? = nil
    ) throws -> S3Response {
        let payloadHash = S3Digest.sha256Hex(body ?? Data())
        let signer = S3Signer(credentials: configuration.credentials, region: configuration.region)
        let path = configuration.path(forObject: key)
        let queryText = S3Signer.canonicalQuery(query)
        let url = configuration.origin + path + (queryText.isEmpty ? "" : "?" + queryText)
        var failure = ""
        for attempt in 1...max(configuration.retry.attempts, 1) {
            if attempt > 1 { Thread.sleep(forTimeInterval: Self.seconds(configuration.retry.delay(beforeRetry: attempt - 1))) }
            do {
                // Signed afresh per attempt: the date is part of the signature.
                let signing = S3Signer.Request(
                    method: method.rawValue, host: configuration.host, path: path, query: query, headers: headers)
                var request = try HTTPClient.Request(url: url, method: method)
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                for (name, value) in signer.authorize(signing, payloadHash: payloadHash, now: Date()) {
                    request.headers.add(name: name, value: value)
                }
                if let body { request.body = .data(body) }
                let deadline = NIODeadline.now() + .nanoseconds(Int64(Self.seconds(configuration.requestTimeout) * 1e9))
                let response = try HTTPClient.shared.execute(request: request, deadline: deadline).wait()
                let answer = S3Response(
                    status: Int(response.status.code), headers: response.headers,
                    body: response.body.map { Data($0.readableBytesView) } ?? Data())
                if answer.status >= 500 {
                    failure = "HTTP \(answer.status) \(answer.errorCode ?? "")"
                    continue
                }
                return answer
            } catch {
                failure = "\(error)"
            }
        }
        throw StoreError(
            .unavailable, "\(method.rawValue) failed after \(configuration.retry.attempts) attempts: \(failure)",
            path: key ?? configuration.bucket)
    }

    /// The error for an answer the caller did not expect: 404 `notFound`, 416
    /// `rangeNotSatisfiable`, any other 4xx `refused`.
    func error(_ response: S3Response, _ operation: String, key: String?) -> StoreError {
        let code: StoreError.Code =
            switch response.status {
            case 404: .notFound
            case 416: .rangeNotSatisfiable
            default: .refused
            }
        return StoreError(
            code, "\(operation): HTTP \(response.status) \(response.errorCode ?? "")", path: key ?? configuration.bucket)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
