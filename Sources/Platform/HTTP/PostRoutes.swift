import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/posts`: multipart upload, read, delete.
struct PostRoutes: Sendable {
    let api: HTTPAPI

    func register(on router: Router<APIRequestContext>) {
        router.post("/api/v1/posts") { request, _ in try await create(request) }
        router.get("/api/v1/posts/{id}") { request, context in
            let postID = try PathID.require(context)
            return try JSONResponse.make(try await api.posts.get(postID: postID, viewer: await api.auth.viewer(request)))
        }
        router.delete("/api/v1/posts/{id}") { request, context in
            let userID = try await api.auth.userID(request)
            try await api.posts.delete(userID: userID, postID: try PathID.require(context))
            // The post leaves every feed it was in; the author reads the primary for a while.
            api.feed.invalidate(reader: userID)
            api.feed.invalidateAll()
            return Response(status: .noContent)
        }
    }

    /// Streams the body through the multipart parser into a spool file, enforcing the size
    /// limits chunk by chunk, then creates the post, which stores the original once the
    /// request is known to be valid.
    private func create(_ request: Request) async throws -> Response {
        let configuration = api.configuration
        let userID = try await api.auth.userID(request)
        try api.limiter.take(.upload, userID: userID)
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartParser.boundary(contentType: contentType)
        else { throw MultipartParser.invalid }
        let maximumBody = max(configuration.maximumVideoBytes, configuration.maximumPhotoBytes)
            + Int64(configuration.maximumCaptionBytes) + 64 * 1024
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > maximumBody {
            throw Self.tooLarge
        }
        var parser = MultipartParser(boundary: boundary)
        var spool: UploadSpool?
        var finished: (sha256: String, kind: MediaKind, bytes: Int64, path: String)?
        var filename: String?
        var current: String?
        var caption: [UInt8] = []
        var received: Int64 = 0
        defer { spool?.discard() }
        for try await chunk in request.body {
            received += Int64(chunk.readableBytes)
            guard received <= maximumBody else { throw Self.tooLarge }
            try parser.feed(chunk.readableBytesView) { event in
                switch event {
                case .partStart(let name, let file):
                    current = name
                    if name == "media" {
                        guard spool == nil, finished == nil else { throw MultipartParser.invalid }
                        filename = file
                        spool = try UploadSpool(
                            directory: configuration.uploadDirectory,
                            limits: (configuration.maximumPhotoBytes, configuration.maximumVideoBytes),
                            sniffer: configuration.mediaSniffer)
                    }
                case .data(let bytes):
                    if current == "media" {
                        try spool?.write(bytes)
                    } else if current == "caption" {
                        caption.append(contentsOf: bytes)
                        guard caption.count <= configuration.maximumCaptionBytes else {
                            throw SocialError(.tooLarge, "too_large", "the caption is too long")
                        }
                    }
                case .partEnd:
                    if current == "media", var done = spool {
                        let result = try done.finish()
                        finished = (result.sha256, result.kind, done.bytes, done.path)
                    }
                    current = nil
                }
            }
            if parser.isFinished { break }
        }
        guard parser.isFinished else { throw MultipartParser.invalid }
        guard let media = finished else {
            throw SocialError(.invalid, "missing_media", "the upload needs a media file part")
        }
        let key = try ObjectKey.original(sha256: media.sha256)
        let original = StoredOriginal(
            sha256: media.sha256, kind: media.kind, key: key.rawValue, bytes: media.bytes, originalName: filename)
        let idempotencyKey = HTTPField.Name("Idempotency-Key").flatMap { request.headers[$0] }
        // The service validates and replays an Idempotency-Key before it calls this, so a
        // refused request stores nothing; the file is stored under the lock of its bytes (see
        // MediaFiles). An upload that fails after this leaves an original the sweep removes.
        let (store, path) = (api.store, media.path)
        let post = try await api.posts.create(
            userID: userID, original: original, caption: String(decoding: caption, as: UTF8.self),
            idempotencyKey: idempotencyKey,
            storeOriginal: { if try !store.exists(key) { _ = try store.put(key, fromFile: path) } })
        api.hub.foldSoon()  // mentions in the caption
        api.feed.invalidate(reader: userID)
        return try JSONResponse.make(post, status: .created)
    }

    static let tooLarge = SocialError(.tooLarge, "too_large", "the upload is larger than allowed")
}
