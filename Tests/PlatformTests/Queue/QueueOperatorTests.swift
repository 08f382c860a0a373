import Foundation
import Logging
import Testing

@testable import Platform

@Suite("Queue: operator commands and retention")
struct QueueOperatorTests {
    let logger = Logger(label: "queue-test")

    @Test func cancelAndRetry() async throws {
        let fixture = try await QueueFixture.make()
        let ids = try await fixture.queue.enqueue([NewJob(kind: "a", maxAttempts: 1), NewJob(kind: "b"), NewJob(kind: "c")]).map(\.id)
        // Available: cancelled at once. Retry brings it back.
        #expect(try await fixture.queue.cancel(id: ids[2]) == .cancelled)
        #expect(try await fixture.record(ids[2]).finishedAt != nil)
        try await fixture.queue.retry(id: ids[2])
        #expect(try await fixture.record(ids[2]).state == .available)

        let claimed = try await fixture.queue.claim(lane: "default", limit: 2, owner: "w", leaseDuration: .seconds(30))
        #expect(claimed.map(\.id) == [ids[0], ids[1]])
        // Running: flagged; the heartbeat hands the flag to the holder.
        #expect(try await fixture.queue.cancel(id: ids[1]) == .running)
        let flags = try await fixture.pool.withConnection { connection in
            try JobQueue.heartbeat(
                claimed.map { JobHeartbeat(lease: $0.lease, progress: nil, stage: nil) }, owner: "w",
                leaseDuration: .seconds(30), on: connection)
        }
        #expect(flags == [ids[0]: false, ids[1]: true])
        try await fixture.pool.withConnection { connection in try JobQueue.finishCancelled(claimed[1].lease, on: connection) }
        #expect(try await fixture.record(ids[1]).state == .cancelled)

        // A dead job (its only attempt failed) runs again with one more attempt.
        try await fixture.queue.fail(claimed[0].lease, .transient("x", "boom"), retryDelay: .zero)
        #expect(try await fixture.record(ids[0]).state == .dead)
        await #expect(throws: QueueError.self) { try await fixture.queue.cancel(id: ids[0]) }
        #expect(try await fixture.queue.retryDead(kind: "other") == 0)
        #expect(try await fixture.queue.retryDead(kind: "a") == 1)
        let again = try await fixture.record(ids[0])
        #expect(again.state == .available && again.maxAttempts == 2 && again.finishedAt == nil)
        let second = try #require(try await fixture.queue.claim(lane: "default", limit: 5, owner: "w", leaseDuration: .seconds(30)).first { $0.id == ids[0] })
        #expect(second.attempt == 2)
        await #expect(throws: QueueError.self) { try await fixture.queue.retry(id: ids[0]) }
        await #expect(throws: QueueError.self) { try await fixture.queue.retry(id: 999_999) }
        await fixture.close()
    }

    @Test func listAndStats() async throws {
        let fixture = try await QueueFixture.make()
        try await fixture.queue.enqueue((0..<5).map { _ in NewJob(kind: "p", lane: "photo") } + [NewJob(kind: "v", lane: "video")])
        let job = try #require(try await fixture.queue.claim(lane: "photo", limit: 1, owner: "w", leaseDuration: .seconds(30)).first)
        try await fixture.queue.complete(job.lease)
        #expect(try await fixture.queue.list(lane: "photo").count == 5)
        #expect(try await fixture.queue.list(state: .succeeded).map(\.id) == [job.id])
        #expect(try await fixture.queue.list(kind: "v", limit: 10).count == 1)
        let stats = try await fixture.queue.stats()
        #expect(stats.count(.available) == 5)
        #expect(stats.count(.succeeded) == 1)
        #expect(stats.succeeded == 1)
        #expect(stats.counts.first { $0.lane == "photo" && $0.state == .available }?.count == 4)
        await fixture.close()
    }

    @Test func theCleanerArchivesFinishedJobsInBatchesAndDeletesOldHistory() async throws {
        let fixture = try await QueueFixture.make()
        let ids = try await fixture.queue.enqueue((0..<25).map { _ in NewJob(kind: "k", idempotencyKey: nil) }).map(\.id)
        try await fixture.pool.query(
            "UPDATE jobs SET state = 'succeeded', attempts = 1, started_at = now(), finished_at = now() - interval '2 days' WHERE id <= $1",
            [ids[19]])
        let cleaner = try JobCleaner(
            pool: fixture.pool, configuration: .init(batchSize: 7, keepFinished: .seconds(86_400), keepArchived: .seconds(7 * 86_400)),
            logger: logger)
        let first = try await cleaner.runOnce()
        #expect(first == JobCleaner.Outcome(archived: 20, deleted: 0))
        let live = try await fixture.pool.query("SELECT count(*) FROM jobs")
        #expect(try live[0].decode(Int.self, at: 0) == 5)
        let archived = try await fixture.record(ids[0])
        #expect(archived.archived && archived.state == .succeeded)
        // Eight days on, the history goes too.
        let later = try await cleaner.runOnce(now: Date().addingTimeInterval(8 * 86_400))
        #expect(later.deleted == 20)
        #expect(try await fixture.queue.job(id: ids[0]) == nil)
        await fixture.close()
    }
}
