import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP posts and uploads")
struct HTTPPostTests {
    static let boundary = "test-boundary-7f3a"

    /// A multipart body with a `media` part of `media` bytes and a `caption` part.
    static func multipart(_ media: [UInt8], caption: String = "hello", filename: String = "upload.bin") -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n\(caption)\r\n".utf8)
        bytes += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"media\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        bytes += media
        bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: bytes)
    }

    static func jpeg(_ size: Int = 4096, seed: UInt8 = 1) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0] + (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    static func mp4(_ size: Int = 4096) -> [UInt8] {
        [0, 0, 0, 0x20] + Array("ftypisom".utf8) + [UInt8](repeating: 7, count: size)
    }

    static func upload(
        _ client: any TestClientProtocol, _ user: TestUser, _ body: ByteBuffer, key: String? = nil
    ) async throws -> TestResponse {
        var headers = user.auth
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await client.executeRequest(uri: "/api/v1/posts", method: .post, headers: headers, body: body)
    }

    @Test("upload answers 201 processing, stores the original and enqueues processing once")
    func upload() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let image = Self.jpeg()
            let response = try await Self.upload(client, alice, Self.multipart(image, caption: "first"))
            #expect(response.status == .created)
            let object = try response.object()
            #expect(object["status"] as? String == "processing")
            #expect(object["created_at"] is String)
            let postID = try #require(object["post_id"] as? String)

            let post = try await client.send(.get, "/api/v1/posts/\(postID)")
            #expect(post.status == .ok)
            let view = try post.object()
            #expect(view["status"] as? String == "processing")
            #expect(view["media_type"] as? String == "photo")
            #expect(view["caption"] as? String == "first")
            #expect(view["username"] as? String == "alice")

            let sha = SHA256.hex(image)
            #expect(try fixture.store.get(ObjectKey.original(sha256: sha)) == Data(image))
            let media = try await fixture.pool.query("SELECT sha256, kind, status, bytes FROM media")
            #expect(try media[0]["sha256", as: String.self] == sha)
            #expect(try media[0]["bytes", as: Int64.self] == Int64(image.count))
            #expect(fixture.enqueued.processing.withLock { $0.map(\.1) } == [.photo])

            // The same bytes again: a second post, the same media, nothing more to process.
            let again = try await Self.upload(client, alice, Self.multipart(image))
            #expect(again.status == .created)
            #expect(fixture.enqueued.processing.withLock { $0.count } == 1)
            let video = try await Self.upload(client, alice, Self.multipart(Self.mp4()))
            #expect(video.status == .created)
            #expect(fixture.enqueued.processing.withLock { $0.map(\.1) } == [.photo, .video])
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)").object()["post_count"] as? Int == 3)
        }
    }

    @Test("ready posts list rendition URLs; failed posts their error")
    func readyAndFailed() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let ready = try await fixture.readyPost(userID: alice.id)
            let view = try await client.send(.get, "/api/v1/posts/\(ready)").object()
            #expect(view["status"] as? String == "ready")
            let media = try #require(view["media"] as? [String: Any])
            let urls = (media["renditions"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String }
            let mediaID = try await fixture.pool.query("SELECT media_id FROM posts WHERE id = $1", [ready])[0]["media_id", as: Int64.self]
            // The layout: `media/<id>/<preset>-v<version>/<path>`, served under `/media/`.
            let golden = try HTTPFixture.goldenManifest()
            #expect(urls.first == "/media/media/\(mediaID)/photo-v1/150.jpg")
            #expect(urls == golden.renditions.map { "/media/media/\(mediaID)/\(golden.preset.name)-v\(golden.preset.version)/\($0.path)" })
            #expect(urls.count == golden.renditions.count && urls.count >= 2)
            #expect(view["error"] == nil)

            let failed = try await fixture.readyPost(userID: alice.id, ready: false)
            try await fixture.pool.query(
                "UPDATE media SET status = 'failed', error_code = 'corrupt', error_message = 'bad data' WHERE id = (SELECT media_id FROM posts WHERE id = $1)",
                [failed])
            let failure = try await client.send(.get, "/api/v1/posts/\(failed)").object()
            #expect(failure["status"] as? String == "failed")
            #expect((failure["error"] as? [String: Any])?["code"] as? String == "corrupt")
            #expect(try await client.send(.get, "/api/v1/posts/123456789").status == .notFound)
        }
    }

    @Test("only the author deletes: 403 for others, 204, then 404; orphaned media is deleted and queued for removal")
    func delete() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let postID = try await fixture.readyPost(userID: alice.id)
            let forbidden = try await client.send(.delete, "/api/v1/posts/\(postID)", token: bob.token)
            #expect(forbidden.status == .forbidden)
            #expect(try forbidden.errorCode() == "not_author")
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)", token: alice.token).status == .noContent)
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)", token: alice.token).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)
            #expect(fixture.enqueued.deletions.withLock { $0.count } == 1)
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)").object()["post_count"] as? Int == 0)

            // Its media is deleted at once; the same bytes posted again are a new media to process.
            let rows = try await fixture.pool.query(
                "SELECT m.id, m.sha256, m.status FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = $1", [postID])
            let old = try #require(rows.first)
            #expect(try old["status", as: String.self] == "deleted")
            let sha = try old["sha256", as: String.self]
            let again = try await fixture.api.posts.create(
                userID: alice.id,
                original: StoredOriginal(sha256: sha, kind: .photo, key: "originals/\(sha.prefix(2))/\(sha)", bytes: 10, originalName: nil),
                caption: "", idempotencyKey: nil)
            #expect(again.status == "processing")
            let processing = fixture.enqueued.processing.withLock { $0.map(\.0) }
            let oldID = try old["id", as: Int64.self]
            #expect(processing.count == 2 && processing.last != oldID, "\(processing)")
        }
    }

    @Test("unsupported bytes are 400 unsupported_format", arguments: [
        Array("GIF-not-really, just some text that is long enough to sniff".utf8),
        Array("%PDF-1.7 some document body bytes that go on and on".utf8),
        [UInt8](repeating: 0, count: 100), [0xFF, 0xD8],
    ])
    func unsupported(bytes: [UInt8]) async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let response = try await Self.upload(client, alice, Self.multipart(bytes))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "unsupported_format")
        }
        #expect(try await fixture.pool.query("SELECT 1 FROM posts").isEmpty)
    }

    @Test("oversize uploads are 413: by Content-Length up front and by the kind's limit while streaming")
    func oversize() async throws {
        let fixture = try await HTTPFixture.make {
            $0.maximumPhotoBytes = 2_000
            $0.maximumVideoBytes = 10_000
        }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let photo = try await Self.upload(client, alice, Self.multipart(Self.jpeg(5_000)))
            #expect(photo.status == .contentTooLarge)
            #expect(try photo.errorCode() == "too_large")
            // Within the video limit: the same size as a video is accepted.
            #expect(try await Self.upload(client, alice, Self.multipart(Self.mp4(5_000))).status == .created)
            let huge = try await Self.upload(client, alice, Self.multipart(Self.mp4(200_000)))
            #expect(huge.status == .contentTooLarge)
        }
        #expect(try await fixture.pool.query("SELECT 1 FROM posts").count == 1)
    }

    @Test("the same Idempotency-Key returns the same post")
    func idempotency() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let body = Self.multipart(Self.jpeg(seed: 9))
            let first = try await Self.upload(client, alice, body, key: "retry-1")
            let second = try await Self.upload(client, alice, body, key: "retry-1")
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(try first.object()["post_id"] as? String == second.object()["post_id"] as? String)
            let other = try await Self.upload(client, alice, body, key: "retry-2")
            #expect(try other.object()["post_id"] as? String != first.object()["post_id"] as? String)
        }
        #expect(try await fixture.pool.query("SELECT 1 FROM posts").count == 2)
    }

    @Test("malformed multipart and missing media are 400")
    func malformed() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            var headers = alice.auth
            headers[.contentType] = "application/json"
            let json = try await client.executeRequest(uri: "/api/v1/posts", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(json.status == .badRequest)
            let noMedia = ByteBuffer(
                string: "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhi\r\n--\(Self.boundary)--\r\n")
            #expect(try await Self.upload(client, alice, noMedia).errorCode() == "missing_media")
            let truncated = ByteBuffer(string: "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nabc")
            #expect(try await Self.upload(client, alice, truncated).status == .badRequest)
        }
    }

    @Test("a NUL in the media part's file name is 400 invalid_text and stores nothing; a plain name is kept whole")
    func nulInFilename() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let refused = try await Self.upload(client, alice, Self.multipart(Self.jpeg(seed: 9), filename: "evil\u{0}.jpg.exe"))
            #expect(refused.status == .badRequest)
            #expect(try refused.errorCode() == "invalid_text")
            #expect(try await fixture.pool.query("SELECT id FROM media", []).isEmpty)
            #expect(fixture.enqueued.processing.withLock { $0.isEmpty })

            let kept = try await Self.upload(client, alice, Self.multipart(Self.jpeg(seed: 9), filename: "holiday 1.jpg"))
            #expect(kept.status == .created)
            let names = try await fixture.pool.query("SELECT original_name FROM media", [])
            #expect(try names.map { try $0["original_name", as: String.self] } == ["holiday 1.jpg"])
        }
    }

    @Test("uploads, likes and comments are rate limited per user with Retry-After")
    func rateLimits() async throws {
        let fixture = try await HTTPFixture.make {
            $0.uploadLimit = RateLimit(burst: 1, perMinute: 1)
            $0.likeLimit = RateLimit(burst: 1, perMinute: 1)
            $0.commentLimit = RateLimit(burst: 1, perMinute: 1)
        }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            #expect(try await Self.upload(client, alice, Self.multipart(Self.jpeg(seed: 1))).status == .created)
            let limited = try await Self.upload(client, alice, Self.multipart(Self.jpeg(seed: 2)))
            #expect(limited.status == .tooManyRequests)
            #expect(try limited.errorCode() == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another user has a budget of their own.
            #expect(try await Self.upload(client, bob, Self.multipart(Self.jpeg(seed: 3))).status == .created)

            let first = try await fixture.readyPost(userID: bob.id)
            let second = try await fixture.readyPost(userID: bob.id)
            #expect(try await client.send(.post, "/api/v1/posts/\(first)/likes", token: alice.token).status == .created)
            #expect(try await client.send(.post, "/api/v1/posts/\(second)/likes", token: alice.token).status == .tooManyRequests)
            let comment = #"{"text": "nice"}"#
            #expect(try await client.send(.post, "/api/v1/posts/\(first)/comments", token: alice.token, json: comment).status == .created)
            #expect(try await client.send(.post, "/api/v1/posts/\(first)/comments", token: alice.token, json: comment).status == .tooManyRequests)
        }
    }
}
