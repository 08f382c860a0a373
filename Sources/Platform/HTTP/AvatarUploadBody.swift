import Hummingbird

/// The multipart body of `PUT /api/v1/users/me/avatar`: one `avatar` part, a photo within the
/// photo upload limit, spooled to a file (the caller discards it).
enum AvatarUploadBody {
    static func spool(_ request: Request, configuration: HTTPConfiguration) async throws -> UploadSpool {
        guard let contentType = request.headers[.contentType],
            let boundary = MultipartParser.boundary(contentType: contentType)
        else { throw MultipartParser.invalid }
        let maximumBody = configuration.maximumPhotoBytes + 64 * 1024
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > maximumBody {
            throw PostRoutes.tooLarge
        }
        var parser = MultipartParser(boundary: boundary)
        var spool: UploadSpool?
        var finished = false
        var current: String?
        var received: Int64 = 0
        do {
            for try await chunk in request.body {
                received += Int64(chunk.readableBytes)
                guard received <= maximumBody else { throw PostRoutes.tooLarge }
                try parser.feed(chunk.readableBytesView) { event in
                    switch event {
                    case .partStart(let name, _):
                        current = name
                        if name == "avatar" {
                            guard spool == nil else { throw MultipartParser.invalid }
                            // Photos only: a video's limit is the photo's here.
                            spool = try UploadSpool(
                                directory: configuration.uploadDirectory,
                                limits: (configuration.maximumPhotoBytes, configuration.maximumPhotoBytes),
                                sniffer: configuration.mediaSniffer)
                        }
                    case .data(let bytes):
                        if current == "avatar" { try spool?.write(bytes) }
                    case .partEnd:
                        if current == "avatar", var done = spool {
                            guard try done.finish().kind == .photo else {
                                throw SocialError(.invalid, "unsupported_media", "an avatar is a photo")
                            }
                            finished = true
                        }
                        current = nil
                    }
                }
                if parser.isFinished { break }
            }
            guard parser.isFinished else { throw MultipartParser.invalid }
            guard let spool, finished else {
                throw SocialError(.invalid, "missing_media", "the upload needs an avatar file part")
            }
            return spool
        } catch {
            spool?.discard()
            throw error
        }
    }
}
