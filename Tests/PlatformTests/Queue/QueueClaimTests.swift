import Foundation
import Logging
import Synchronization
import Testing

@testable import Platform

@Suite("Queue: claim")
struct QueueClaimTests {
    @Test func claimsComeInPriorityThenRunAtThenIdOrderAndSetTheLease() async throws {
        let fixture = try await QueueFixture.make()
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        let ids = try await fixture.queue.enqueue([
            NewJob(kind: "a", priority: 1, runAt: base),
            NewJob(kind: "b", priority: 0, runAt: base.addingTimeInterval(2)),
            NewJob(kind: "c", priority: 0, runAt: base.addingTimeInterval(1)),
            NewJob(kind: "d", priority: 0, runAt: base.addingTimeInterval(1)),
            NewJob(kind: "later", priority: -5, runAt: Date().addingTimeInterval(3600)),
        ]).map(\.id)
        let claimedFrom = Date()
        let claimed = try await fixture.queue.claim(lane: "default", limit: 10, owner: "w1", leaseDuration: .seconds(30))
        #expect(claimed.map(\.id) == [ids[2], ids[3], ids[1], ids[0]])
        #expect(claimed.allSatisfy { $0.attempt == 1 && $0.lease.owner == "w1" })
        let record = try await fixture.record(ids[2])
        #expect(record.state == .running)
        #expect(record.leaseOwner == "w1")
        // 30 s from the claim, however long the machine took since (a second for clock rounding).
        #expect(try #require(record.leaseExpiresAt).timeIntervalSince(claimedFrom) > 29)
        // The future job is not due; nothing else is left.
        #expect(try await fixture.queue.claim(lane: "default", limit: 10, owner: "w1", leaseDuration: .seconds(30)).isEmpty)
        await fixture.close()
    }

    @Test func aBacklogLaneDoesNotDelayAFreshUpload() async throws {
        let fixture = try await QueueFixture.make()
        try await fixture.queue.enqueue((0..<5000).map { NewJob(kind: "reprocess", lane: "backlog", priority: -10, payload($0)) })
        let fresh = try await fixture.queue.enqueue(NewJob(kind: "media.photo", lane: "photo"))
        // The photo lane's next claim, however deep the backlog, is the fresh upload.
        let claimed = try await fixture.queue.claim(lane: "photo", limit: 1, owner: "w", leaseDuration: .seconds(30))
        #expect(claimed.map(\.id) == [fresh.id])
        let backlog = try await fixture.queue.claim(lane: "backlog", limit: 100, owner: "w", leaseDuration: .seconds(30))
        #expect(backlog.count == 100)
        #expect(backlog.allSatisfy { $0.lane == "backlog" })
        await fixture.close()
    }

    @Test func aClaimTakesOnlyItsOwnLaneWhenAnotherLaneHashesAlike() async throws {
        let fixture = try await QueueFixture.make()
        // jobs_claim_idx is keyed by hashtext(lane); these two lanes share a hash.
        let (first, second) = ("lane_61995", "lane_264239")
        let same = try await fixture.pool.query("SELECT hashtext($1::text) = hashtext($2::text)", [first, second])
        #expect(try same[0].decode(Bool.self, at: 0))
        // The other lane's jobs come first in the index (higher priority, older).
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        let others = try await fixture.queue.enqueue((0..<3).map { _ in NewJob(kind: "other", lane: second, priority: -1, runAt: base) })
        let mine = try await fixture.queue.enqueue((0..<2).map { _ in NewJob(kind: "mine", lane: first) })
        let claimed = try await fixture.queue.claim(lane: first, limit: 10, owner: "w", leaseDuration: .seconds(30))
        #expect(claimed.map(\.id) == mine.map(\.id))
        let rest = try await fixture.queue.claim(lane: second, limit: 10, owner: "w", leaseDuration: .seconds(30))
        #expect(rest.map(\.id) == others.map(\.id))
        await fixture.close()
    }

    @Test func concurrentClaimersRunEveryJobExactlyOnce() async throws {
        let fixture = try await QueueFixture.make()
        let jobCount = 3000
        try await fixture.pool.query("CREATE TABLE side_effects (job_id bigint NOT NULL, worker int NOT NULL)")
        try await fixture.queue.enqueue((0..<jobCount).map { NewJob(kind: "count", payload($0)) })
        let workers = 8
        // Each worker is a thread with its own connection claiming small batches, as lane
        // threads do; the side effect commits in the completion transaction.
        let totals = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    try await Blocking.onOwnThread {
                        let connection = try DatabaseConnection(url: fixture.url, logger: fixture.logger)
                        var done = 0
                        while true {
                            let jobs = try JobQueue.claim(
                                lane: "default", limit: 3, owner: "w\(worker)", leaseDuration: .seconds(30), on: connection)
                            if jobs.isEmpty { return done }
                            for job in jobs {
                                try JobQueue.complete(job.lease, on: connection) { transaction in
                                    try transaction.query(
                                        "INSERT INTO side_effects (job_id, worker) VALUES ($1, $2)", [job.id, worker])
                                }
                                done += 1
                            }
                        }
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(totals.reduce(0, +) == jobCount)
        let check = try await fixture.pool.query(
            """
            SELECT count(*) AS effects, count(DISTINCT job_id) AS jobs,
                   (SELECT count(*) FROM jobs WHERE state = 'succeeded') AS succeeded
            FROM side_effects
            """)
        #expect(try check[0].decode(Int.self, column: "effects") == jobCount)
        #expect(try check[0].decode(Int.self, column: "jobs") == jobCount)
        #expect(try check[0].decode(Int.self, column: "succeeded") == jobCount)
        await fixture.close()
    }

    private func payload(_ index: Int) -> PostgresJSON {
        PostgresJSON(text: #"{"n": \#(index)}"#)
    }
}

extension NewJob {
    fileprivate init(kind: String, lane: String = "default", priority: Int = 0, _ payload: PostgresJSON) {
        self.init(kind: kind, payload: payload, lane: lane, priority: priority)
    }
}
