import Foundation
import Testing

@testable import Platform

/// The claim must stay an index scan of live jobs however much history the table holds: the
/// planner's choice is checked, not a time.
@Suite("Queue: claim plan with a large history")
struct QueuePlanTests {
    @Test func theClaimWalksThePartialIndexWithManyFinishedJobs() async throws {
        let fixture = try await QueueFixture.make()
        // 100k finished jobs and 10k waiting in another lane, then fresh statistics.
        try await fixture.pool.execute(
            """
            INSERT INTO jobs (kind, lane, state, attempts, started_at, finished_at)
            SELECT 'old', 'photo', 'succeeded', 1, now() - interval '1 hour', now() - interval '1 hour'
            FROM generate_series(1, 100000);
            INSERT INTO jobs (kind, lane) SELECT 'backfill', 'backlog' FROM generate_series(1, 10000);
            ANALYZE jobs;
            """)
        try await fixture.queue.enqueue(NewJob(kind: "fresh", lane: "photo"))
        let sql = try QueueQuery.claimJobs.sql()
        let plan = try await fixture.pool.withConnection { connection in
            try connection.execute("PREPARE claim AS \(sql)")
            let rows = try connection.query(
                "EXPLAIN (COSTS OFF) EXECUTE claim('photo', 10, 'w', 30, NULL, 1)")
            return try rows.map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
        }
        #expect(plan.contains("jobs_claim_idx"), "\(plan)")
        #expect(!plan.contains("Seq Scan on jobs"), "\(plan)")
        // Lane threads prepare the claim once per connection, so after a few runs the server
        // may keep a generic plan (parameters unknown, the lane's hash computed at run time).
        let generic = try await fixture.pool.withConnection { connection in
            try connection.execute("SET plan_cache_mode = force_generic_plan; PREPARE generic_claim AS \(sql)")
            let rows = try connection.query(
                "EXPLAIN (COSTS OFF) EXECUTE generic_claim('photo', 10, 'w', 30, NULL, 1)")
            try connection.execute("DEALLOCATE generic_claim; RESET plan_cache_mode")
            return try rows.map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
        }
        #expect(generic.contains("Index Scan using jobs_claim_idx"), "\(generic)")
        #expect(generic.contains("hashtext($1)"), "\(generic)")
        #expect(!generic.contains("Seq Scan on jobs"), "\(generic)")
        let claimed = try await fixture.queue.claim(lane: "photo", limit: 10, owner: "w", leaseDuration: .seconds(30))
        #expect(claimed.map(\.kind) == ["fresh"])
        await fixture.close()
    }
}
