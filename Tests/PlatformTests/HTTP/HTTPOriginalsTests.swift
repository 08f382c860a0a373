import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Platform

/// Originals: stored only for valid requests, swept when no live media holds them, removed
/// with their last media, never served.
@Suite("HTTP originals")
struct HTTPOriginalsTests {
    static let logger = Logger(label: "originals-test")

    /// Keys of every stored original.
    static func originals(_ fixture: HTTPFixture) throws -> [String] {
        try fixture.store.list(prefix: ObjectKey.originalsPrefix).map(\.rawValue)
    }

    static func key(_ bytes: [UInt8]) throws -> ObjectKey {
        try ObjectKey.original(sha256: SHA256.hex(bytes))
    }

    @Test("a refused caption stores no original")
    func captionTooLong() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let response = try await HTTPPostTests.upload(
                client, alice, HTTPPostTests.multipart(HTTPPostTests.jpeg(seed: 60), caption: String(repeating: "a", count: 2201)))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "caption_too_long")
        }
        #expect(try Self.originals(fixture).isEmpty)
    }

    @Test("the same Idempotency-Key with another file is 422 idempotency_key_reused and stores nothing")
    func idempotencyKeyReused() async throws {
        let fixture = try await HTTPFixture.make()
        let (first, second) = (HTTPPostTests.jpeg(seed: 61), HTTPPostTests.jpeg(seed: 62))
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let created = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(first), key: "k-1")
            #expect(created.status == .created)
            let reused = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(second), key: "k-1")
            #expect(reused.status == .unprocessableContent)
            #expect(try reused.errorCode() == "idempotency_key_reused")
            // The same file again is the retry it claims to be: the first post.
            let retry = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(first), key: "k-1")
            #expect(retry.status == .created)
            #expect(try retry.object()["post_id"] as? String == created.object()["post_id"] as? String)
        }
        #expect(try Self.originals(fixture) == [try Self.key(first).rawValue])
        #expect(try await fixture.pool.query("SELECT 1 FROM posts").count == 1)
    }

    @Test("the sweep removes originals no live media holds once past the grace period, and only those")
    func sweep() async throws {
        let fixture = try await HTTPFixture.make()
        let (held, lost, deleted) = (HTTPPostTests.jpeg(seed: 63), HTTPPostTests.jpeg(seed: 64), HTTPPostTests.jpeg(seed: 65))
        try await fixture.test { client in
            let alice = try await client.user("alice")
            #expect(try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(held)).status == .created)
            // An upload whose transaction fails after the file is stored leaves it behind.
            fixture.enqueued.failing.withLock { $0 = true }
            #expect(try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(lost)).status == .internalServerError)
            fixture.enqueued.failing.withLock { $0 = false }
            let post = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(deleted))
            let postID = try #require(try post.object()["post_id"] as? String)
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)", token: alice.token).status == .noContent)
        }
        let all = try [held, lost, deleted].map { try Self.key($0) }
        #expect(try Self.originals(fixture) == all.map(\.rawValue).sorted())

        let configuration = OriginalSweeper.Configuration(gracePeriod: .seconds(3600))
        let sweepers = try (0..<3).map { _ in
            try OriginalSweeper(pool: fixture.pool, store: fixture.store, configuration: configuration, logger: Self.logger)
        }
        // Within the grace period: nothing goes.
        #expect(try await sweepers[0].runOnce(now: Date()).isEmpty)
        #expect(try Self.originals(fixture).count == 3)
        // Past it, from three daemons at once: each unheld original goes once; the held one stays.
        let later = Date().addingTimeInterval(7200)
        let removed = try await withThrowingTaskGroup(of: [ObjectKey].self) { group in
            for sweeper in sweepers { group.addTask { try await sweeper.runOnce(now: later) } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(removed.sorted() == [all[1], all[2]].sorted())
        #expect(try Self.originals(fixture) == [all[0].rawValue])
    }

    @Test("/media/ serves renditions only: an original is 404 even though it is stored")
    func originalsAreNotServed() async throws {
        let fixture = try await HTTPFixture.make(migrate: false)
        let bytes = HTTPPostTests.jpeg(seed: 66)
        let original = try Self.key(bytes)
        try fixture.store.put(original, data: Data(bytes))
        try fixture.store.put(try ObjectKey("media/9/150.jpg"), data: Data(bytes))
        try fixture.store.put(try ObjectKey("other/9/150.jpg"), data: Data(bytes))
        try await fixture.test { client in
            let get = try await client.send(.get, "/media/\(original.rawValue)")
            let head = try await client.send(.head, "/media/\(original.rawValue)")
            let other = try await client.send(.get, "/media/other/9/150.jpg")
            let rendition = try await client.send(.get, "/media/media/9/150.jpg")
            #expect(get.status == .notFound)
            #expect(head.status == .notFound)
            #expect(other.status == .notFound)
            #expect(rendition.status == .ok)
        }
    }

    @Test("a deleted media's job removes its renditions and its original, unless a live media holds the same bytes")
    func deletionRemovesOriginal() async throws {
        let fixture = try await HTTPFixture.make()
        let image = HTTPPostTests.jpeg(seed: 67)
        let original = try Self.key(image)
        try await fixture.test { client in
            let alice = try await client.user("alice")
            func post() async throws -> (post: String, media: Int64) {
                let created = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(image))
                let postID = try #require(try created.object()["post_id"] as? String)
                return (postID, try await HTTPUploadDurabilityTests.media(fixture, post: postID).id)
            }
            func removeFiles(_ mediaID: Int64) async throws -> MediaFiles.Removal? {
                let store = fixture.store
                return try await fixture.pool.transaction { connection in
                    try MediaFiles.removeDeleted(mediaID: mediaID, store: store, on: connection)
                }
            }
            let first = try await post()
            try fixture.store.put(try ObjectKey("media/\(first.media)/photo-v1/150.jpg"), data: Data(image))
            // A live media keeps everything.
            #expect(try await removeFiles(first.media) == nil)
            #expect(try fixture.store.exists(original))

            #expect(try await client.send(.delete, "/api/v1/posts/\(first.post)", token: alice.token).status == .noContent)
            // The same bytes uploaded again before the job runs: a new live media holds them.
            let second = try await post()
            #expect(second.media != first.media)
            #expect(try await removeFiles(first.media) == MediaFiles.Removal(renditions: 1, original: false))
            #expect(try fixture.store.exists(original))
            #expect(try fixture.store.list(prefix: "media/\(first.media)/").isEmpty)

            #expect(try await client.send(.delete, "/api/v1/posts/\(second.post)", token: alice.token).status == .noContent)
            #expect(try await removeFiles(second.media) == MediaFiles.Removal(renditions: 0, original: true))
            #expect(try !fixture.store.exists(original))
        }
    }
}
