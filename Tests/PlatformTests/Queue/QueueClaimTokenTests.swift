import Foundation
import Logging
import Testing

@testable import Platform

/// Claims commit without waiting for their WAL flush, so a server crash may undo one; each claim's
/// random token keeps the lost claim's holder from writing once the job is claimed again.
@Suite("Queue: claim tokens")
struct QueueClaimTokenTests {
    /// What a crash does to a claim whose commit never reached the disk: the row as it was
    /// before the claim (available, the previous attempt count, no lease).
    private func undoClaim(_ id: Int64, _ fixture: QueueFixture) async throws {
        try await fixture.pool.query(
            """
            UPDATE jobs SET state = 'available', attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
                            heartbeat_at = NULL, started_at = NULL, progress_at = NULL, lease_token = NULL
            WHERE id = $1
            """, [id])
    }

    @Test func aLostClaimsHolderCannotWriteOverTheSameOwnersNextClaimOfTheSameAttempt() async throws {
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k", payload: PostgresJSON(text: #"{"content_key": "in-1"}"#))).id
        let lost = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "runner", leaseDuration: .seconds(30)).first)
        try await undoClaim(id, fixture)
        let again = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "runner", leaseDuration: .seconds(30)).first)
        // Same job, same attempt number, same owner: only the token tells the claims apart.
        #expect(again.id == lost.id && again.attempt == 1 && lost.attempt == 1)
        #expect(again.lease.owner == lost.lease.owner)
        #expect(again.lease.token != nil && lost.lease.token != nil && again.lease.token != lost.lease.token)

        let held = try await fixture.pool.withConnection { connection in
            try JobQueue.heartbeat(
                [JobHeartbeat(lease: lost.lease, progress: 0.5, stage: nil)], owner: "runner", leaseDuration: .seconds(30),
                on: connection)
        }
        #expect(held.isEmpty)
        await #expect(throws: QueueError.self) { try await fixture.queue.complete(lost.lease) }
        await #expect(throws: QueueError.self) { try await fixture.queue.fail(lost.lease, .transient("x", "y"), retryDelay: .zero) }
        let batch = try await fixture.pool.withConnection { connection in try JobQueue.complete([lost.lease], on: connection) }
        #expect(batch.isEmpty)
        let released = try await fixture.pool.withConnection { connection in try JobQueue.release([lost.lease], on: connection) }
        #expect(released.isEmpty)
        let kill = try await fixture.queue.recordWorkerKill(lost, error: "died", quarantineAfter: 3)
        #expect(kill == nil)
        // Nothing above touched the new claim: it is still running, and its own writes land.
        let record = try await fixture.record(id)
        #expect(record.state == .running && record.attempts == 1 && record.progress == nil)
        try await fixture.queue.complete(again.lease)
        #expect(try await fixture.record(id).state == .succeeded)
        await fixture.close()
    }

    @Test func aLeaseWithoutATokenStillFinishesAJobClaimedWithoutOne() async throws {
        // A claim by code that sets no token (an older daemon on the same database).
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k")).id
        let rows = try await fixture.pool.query(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = 'old', started_at = now(),
                            lease_expires_at = now() + interval '30 seconds'
            WHERE id = $1 RETURNING lease_expires_at
            """, [id])
        let expires = try #require(try rows.first?.decode(Date.self, column: "lease_expires_at"))
        try await fixture.queue.complete(JobLease(jobID: id, attempt: 1, owner: "old", expiresAt: expires))
        #expect(try await fixture.record(id).state == .succeeded)
        await fixture.close()
    }

    @Test func theClaimsCommitSettingDoesNotOutliveItsTransaction() async throws {
        let fixture = try await QueueFixture.make()
        _ = try await fixture.queue.enqueue([NewJob(kind: "k"), NewJob(kind: "k")])
        let (before, claimed, during, after) = try await fixture.pool.withConnection { connection in
            let mode = { try connection.query("SELECT current_setting('synchronous_commit') AS mode").first?.decode(String.self, column: "mode") }
            // The test cluster runs with synchronous_commit off; production servers with on.
            try connection.execute("SET synchronous_commit = on")
            let before = try mode()
            let jobs = try JobQueue.claim(lane: "default", limit: 1, owner: "w", leaseDuration: .seconds(30), on: connection)
            let after = try mode()
            // Inside a transaction the claim's setting is still visible after it.
            let during = try connection.transaction { transaction in
                _ = try JobQueue.claim(lane: "default", limit: 1, owner: "w", leaseDuration: .seconds(30), on: transaction)
                return try mode()
            }
            return (before, jobs.count, during, after)
        }
        #expect(before == "on")
        #expect(during == "off")
        #expect(claimed == 1)
        // The next statement on the lane's connection (a result write, a failure) waits for its
        // flush again.
        #expect(after == "on")
        await fixture.close()
    }
}
