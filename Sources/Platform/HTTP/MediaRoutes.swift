import Foundation
import Hummingbird

/// `GET /media/{key}`: renditions (`media/<id>/…`; anything else is 404) from the store with a SHA-256 ETag, If-None-Match (304),
/// single byte ranges (206/416) and immutable caching (keys never change content). `HEAD`
/// answers the same status and headers without reading the object. With an S3 store and
/// `mediaRedirectLifetime` set, it answers 302 to a presigned URL instead (the client then
/// gets Range and ETag handling from S3 itself).
struct MediaRoutes: Sendable {
    let api: HTTPAPI

    func register(on router: Router<APIRequestContext>) {
        router.get("/media/**") { request, context in
            try await serve(request, key: context.parameters.getCatchAll().joined(separator: "/"))
        }
        // The GET body is a closure that reads only when written, so dropping it reads nothing;
        // APIErrorMiddleware drops it.
        router.head("/media/**") { request, context in
            try await serve(request, key: context.parameters.getCatchAll().joined(separator: "/"))
        }
    }

    private func serve(_ request: Request, key text: String) async throws -> Response {
        // ObjectKey refuses `..`, `.`, absolute paths and control characters: no traversal.
        // Only renditions are public: originals (full resolution, with their metadata) never are.
        guard let key = try? ObjectKey(text), key.isRendition else { throw SocialError.notFound("media") }
        let store = api.store
        if let lifetime = api.configuration.mediaRedirectLifetime, let url = store.presignedURL(for: key, lifetime: lifetime) {
            // Keys never change content, but a presigned URL expires: cache the redirect for
            // well under its lifetime.
            let seconds = max(Int(lifetime.components.seconds) / 2, 1)
            return Response(status: .found, headers: [.location: url, .cacheControl: "private, max-age=\(seconds)"])
        }
        let info: ObjectInfo
        do {
            info = try await Blocking.run { try store.head(key) }
        } catch let error as StoreError where error.code == .notFound {
            throw SocialError.notFound("media")
        }
        let etag = "\"\(info.etag)\""
        var headers: HTTPFields = [
            .contentType: info.contentType, .eTag: etag, .acceptRanges: "bytes",
            .cacheControl: "public, max-age=31536000, immutable",
        ]
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" })
        {
            return Response(status: .notModified, headers: headers)
        }
        if let header = request.headers[.range], let range = ByteRange.parse(header: header) {
            let bounds: Range<Int64>
            do {
                bounds = try range.resolve(size: info.size, key: key.rawValue)
            } catch {
                var failure = JSONResponse.error(
                    status: .rangeNotSatisfiable, code: "range_not_satisfiable", message: "the range is outside the object")
                failure.headers[.contentRange] = "bytes */\(info.size)"
                return failure
            }
            headers[.contentRange] = "bytes \(bounds.lowerBound)-\(bounds.upperBound - 1)/\(info.size)"
            return Response(status: .partialContent, headers: headers, body: Self.body(store, key, bounds))
        }
        return Response(status: .ok, headers: headers, body: Self.body(store, key, 0..<info.size))
    }

    /// Streams `bounds` of an object in chunks of at most 1 MiB, so a large video is never
    /// held in memory whole. Each chunk is read off the cooperative pool.
    private static func body(_ store: ObjectStore, _ key: ObjectKey, _ bounds: Range<Int64>) -> ResponseBody {
        let chunk: Int64 = 1 << 20
        return ResponseBody(contentLength: Int(bounds.count)) { writer in
            var offset = bounds.lowerBound
            while offset < bounds.upperBound {
                let last = min(offset + chunk, bounds.upperBound) - 1
                let first = offset
                let data = try await Blocking.run { try store.get(key, range: .closed(first: first, last: last)) }
                try await writer.write(ByteBuffer(bytes: data))
                offset = last + 1
            }
            try await writer.finish(nil)
        }
    }

}
