import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Platform

/// Uploads are never lost: the processing job commits with the post and media, the
/// reconciler repairs any media left `processing` without a live job, and a refused upload
/// stores nothing.
@Suite("HTTP uploads are never lost")
struct HTTPUploadDurabilityTests {
    static let logger = Logger(label: "upload-durability-test")

    /// The media of the one post `postID`.
    static func media(_ fixture: HTTPFixture, post postID: String) async throws -> (id: Int64, sha256: String, status: String) {
        let row = try #require(
            try await fixture.pool.query(
                "SELECT m.id, m.sha256, m.status FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = $1",
                [Int64(postID)]
            ).first)
        return (try row["id", as: Int64.self], try row["sha256", as: String.self], try row["status", as: String.self])
    }

    /// The live job keyed `key`: state and content key.
    static func job(_ fixture: HTTPFixture, key: String) async throws -> (state: String, kind: String, contentKey: String?)? {
        guard
            let row = try await fixture.pool.query(
                "SELECT state::text AS state, kind, content_key FROM jobs WHERE idempotency_key = $1", [key]
            ).first
        else { return nil }
        return (try row["state", as: String.self], try row["kind", as: String.self], try row["content_key", as: String?.self])
    }

    @Test("an enqueue failure rolls the post and media back; the upload's job carries the SHA-256")
    func enqueueFailure() async throws {
        let fixture = try await HTTPFixture.make()
        let image = HTTPPostTests.jpeg(seed: 40)
        try await fixture.test { client in
            let alice = try await client.user("alice")
            fixture.enqueued.failing.withLock { $0 = true }
            let failed = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(image))
            #expect(failed.status == .internalServerError)
            // Nothing committed: no media is left processing without a job for a later upload to reuse.
            #expect(try await fixture.pool.query("SELECT 1 FROM media").isEmpty)
            #expect(try await fixture.pool.query("SELECT 1 FROM posts").isEmpty)

            fixture.enqueued.failing.withLock { $0 = false }
            let created = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(image))
            #expect(created.status == .created)
            let media = try await Self.media(fixture, post: try #require(try created.object()["post_id"] as? String))
            let job = try #require(try await Self.job(fixture, key: "media:\(media.id)"))
            #expect(job.kind == "media.photo")
            #expect(job.state == "available")
            #expect(job.contentKey == SHA256.hex(image))
        }
    }

    @Test("a deletion whose job cannot be enqueued is rolled back; otherwise the job commits with it")
    func deletionJob() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let postID = try await fixture.readyPost(userID: alice.id)
            fixture.enqueued.failing.withLock { $0 = true }
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)", token: alice.token).status == .internalServerError)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .ok)
            fixture.enqueued.failing.withLock { $0 = false }
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)", token: alice.token).status == .noContent)
            let media = try await Self.media(fixture, post: String(postID))
            #expect(media.status == "deleted")
            #expect(try await Self.job(fixture, key: "media.delete:\(media.id)")?.kind == "media.delete")
        }
    }

    @Test("the reconciler enqueues a processing media whose job row is gone, and fails one whose job is dead (quarantined)")
    func reconciler() async throws {
        let fixture = try await HTTPFixture.make()
        let image = HTTPPostTests.jpeg(seed: 41)
        let sha = SHA256.hex(image)
        let reconciler = try MediaReconciler(pool: fixture.pool, logger: Self.logger)
        let later = Date().addingTimeInterval(3600)
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let created = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(image))
            let media = try await Self.media(fixture, post: try #require(try created.object()["post_id"] as? String))
            let key = "media:\(media.id)"

            // A live job: nothing to do.
            #expect(try await reconciler.runOnce(now: later) == MediaReconciler.Outcome())

            // The job row killed: re-enqueued, with the content key.
            try await fixture.pool.query("DELETE FROM jobs WHERE idempotency_key = $1", [key])
            // Too recent to touch on the server's own clock (the default minimum age).
            #expect(try await reconciler.runOnce().enqueued.isEmpty)
            #expect(try await reconciler.runOnce(now: later).enqueued == [media.id])
            let job = try #require(try await Self.job(fixture, key: key))
            #expect(job.state == "available" && job.kind == "media.photo" && job.contentKey == sha)

            // The input quarantined and the job row killed again: the new job is dead-lettered
            // at insert (it names its input), and the next pass fails the media with its code.
            try await fixture.pool.query(
                """
                INSERT INTO job_content_kills (content_key, kills, last_job_id, last_kind, last_error, last_killed_at, quarantined_at)
                VALUES ($1, 3, 1, 'media.photo', 'lease_expired', now(), now())
                """, [sha])
            try await fixture.pool.query("DELETE FROM jobs WHERE idempotency_key = $1", [key])
            #expect(try await reconciler.runOnce(now: later).enqueued == [media.id])
            #expect(try await Self.job(fixture, key: key)?.state == "dead")
            #expect(try await reconciler.runOnce(now: later).failed == [media.id])
            let row = try await fixture.pool.query("SELECT status, error_code FROM media WHERE id = $1", [media.id])[0]
            #expect(try row["status", as: String.self] == "failed")
            #expect(try row["error_code", as: String?.self] == "quarantined")
            let view = try await client.send(.get, "/api/v1/posts/\(try #require(try created.object()["post_id"] as? String))").object()
            #expect((view["error"] as? [String: Any])?["code"] as? String == "quarantined")
            #expect(try await reconciler.runOnce(now: later) == MediaReconciler.Outcome())
        }
    }

    @Test("reconcilers running at once repair each media once")
    func concurrentReconcilers() async throws {
        let fixture = try await HTTPFixture.make()
        let ids = try await fixture.test2 { client in
            let alice = try await client.user("alice")
            var ids: [Int64] = []
            for seed in 0..<6 {
                let created = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(HTTPPostTests.jpeg(seed: UInt8(50 + seed))))
                ids.append(try await Self.media(fixture, post: try #require(try created.object()["post_id"] as? String)).id)
            }
            return ids
        }
        try await fixture.pool.query("DELETE FROM jobs WHERE kind = 'media.photo'")
        let configuration = MediaReconciler.Configuration(batchSize: 2)
        let reconcilers = try (0..<3).map { _ in
            try MediaReconciler(pool: fixture.pool, configuration: configuration, logger: Self.logger)
        }
        let later = Date().addingTimeInterval(3600)
        let outcomes = try await withThrowingTaskGroup(of: MediaReconciler.Outcome.self) { group in
            for reconciler in reconcilers { group.addTask { try await reconciler.runOnce(now: later) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let enqueued = outcomes.flatMap(\.enqueued)
        #expect(enqueued.sorted() == ids.sorted(), "each media enqueued by exactly one reconciler")
        let jobs = try await fixture.pool.query("SELECT count(*) AS n FROM jobs WHERE kind = 'media.photo'")[0]["n", as: Int64.self]
        #expect(jobs == Int64(ids.count))
    }
}

extension HTTPFixture {
    /// `test`, returning what `body` returns.
    func test2<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        try await test { client in
            let value = try await body(client)
            result.withLock { $0 = value }
        }
        return try #require(result.withLock { $0 })
    }
}
