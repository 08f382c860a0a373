import Foundation
import Logging
import Testing

@testable import Platform

@Suite("Queue: leases, failures, rescue")
struct QueueLeaseTests {
    let logger = Logger(label: "queue-test")

    @Test func anExpiredLeaseIsRescuedCompletedElsewhereAndTheStaleHolderIsRefused() async throws {
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k", maxAttempts: 3)).id
        let stale = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "crashed", leaseDuration: .seconds(30)).first)
        let rescuer = try JobRescuer(pool: fixture.pool, logger: logger)

        // Before expiry nothing happens; 31 s later (pinned clock) the job is back.
        #expect(try await rescuer.runOnce().rescued.isEmpty)
        let outcome = try await rescuer.runOnce(now: stale.lease.expiresAt.addingTimeInterval(1))
        #expect(outcome.rescued == [id])
        let rescued = try await fixture.record(id)
        #expect(rescued.state == .available)
        #expect(rescued.leaseOwner == nil)
        #expect(rescued.errors.map(\.code) == ["lease_expired"])

        let fresh = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "healthy", leaseDuration: .seconds(30)).first)
        #expect(fresh.id == id && fresh.attempt == 2)
        // The old holder wakes up: its completion, heartbeat and failure are all refused.
        await #expect(throws: QueueError.self) { try await fixture.queue.complete(stale.lease) }
        await #expect(throws: QueueError.self) {
            try await fixture.queue.fail(stale.lease, .transient("x", "y"), retryDelay: .zero)
        }
        let held = try await fixture.pool.withConnection { connection in
            try JobQueue.heartbeat(
                [JobHeartbeat(lease: stale.lease, progress: 0.5, stage: nil)], owner: "crashed",
                leaseDuration: .seconds(30), on: connection)
        }
        #expect(held.isEmpty)
        do {
            try await fixture.queue.complete(stale.lease)
        } catch let error as QueueError {
            #expect(error.code == .leaseLost)
        }
        try await fixture.queue.complete(fresh.lease)
        #expect(try await fixture.record(id).state == .succeeded)
        await fixture.close()
    }

    @Test func theStaleHoldersResultWriteIsRolledBack() async throws {
        let fixture = try await QueueFixture.make()
        try await fixture.pool.query("CREATE TABLE results (job_id bigint, attempt int)")
        try await fixture.queue.enqueue(NewJob(kind: "k"))
        let stale = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "a", leaseDuration: .seconds(1)).first)
        try await JobRescuer(pool: fixture.pool, logger: logger).runOnce(now: Date().addingTimeInterval(60))
        let fresh = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "b", leaseDuration: .seconds(30)).first)
        for job in [stale, fresh] {
            try? await fixture.queue.complete(job.lease) { connection in
                try connection.query("INSERT INTO results VALUES ($1, $2)", [job.id, job.attempt])
            }
        }
        let rows = try await fixture.pool.query("SELECT attempt FROM results")
        #expect(try rows.map { try $0.decode(Int.self, at: 0) } == [2])
        await fixture.close()
    }

    @Test func aLeaseExpiringOnTheLastAttemptKillsTheJob() async throws {
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k", maxAttempts: 1)).id
        _ = try await fixture.queue.claim(lane: "default", limit: 1, owner: "gone", leaseDuration: .seconds(1))
        let outcome = try await JobRescuer(pool: fixture.pool, logger: logger).runOnce(now: Date().addingTimeInterval(60))
        #expect(outcome.killed == [id])
        let record = try await fixture.record(id)
        #expect(record.state == .dead)
        #expect(record.finishedAt != nil)
        await fixture.close()
    }

    @Test func aJobWithoutProgressIsRescuedAsStalled() async throws {
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k")).id
        let job = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "w", leaseDuration: .seconds(3600)).first)
        let rescuer = try JobRescuer(
            pool: fixture.pool, configuration: .init(stallTimeout: .seconds(120)), logger: logger)
        // Heartbeats keep the lease alive, and progress that moves keeps the job alive.
        let beat = { (progress: Float) in
            _ = try await fixture.pool.withConnection { connection in
                try JobQueue.heartbeat(
                    [JobHeartbeat(lease: job.lease, progress: progress, stage: "encode")], owner: "w",
                    leaseDuration: .seconds(3600), on: connection)
            }
        }
        try await beat(0.1)
        #expect(try await rescuer.runOnce(now: Date().addingTimeInterval(60)).rescued.isEmpty)
        let outcome = try await rescuer.runOnce(now: Date().addingTimeInterval(600))
        #expect(outcome.rescued == [id])
        #expect(try await fixture.record(id).errors.last?.code == "stalled")
        await fixture.close()
    }

    @Test func transientFailuresRetryWithBackoffThenDie() async throws {
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k", maxAttempts: 3)).id
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let backoff = JobBackoff(initial: .seconds(10), multiplier: 2, maximum: .seconds(3600), jitter: 0)
        var expected = [JobState]()
        var states = [JobState]()
        for attempt in 1...3 {
            let job = try #require(try await fixture.queue.claim(
                lane: "default", limit: 1, owner: "w", leaseDuration: .seconds(30), now: now.addingTimeInterval(Double(attempt) * 1000)).first)
            #expect(job.attempt == attempt)
            let at = now.addingTimeInterval(Double(attempt) * 1000)
            let delay = backoff.delay(afterAttempt: attempt)
            let (state, runAt) = try await fixture.queue.fail(job.lease, .transient("timeout", "slow \(attempt)"), retryDelay: delay, now: at)
            states.append(state)
            expected.append(attempt < 3 ? .available : .dead)
            if attempt < 3 { #expect(runAt == at.addingTimeInterval(delay.queueSeconds)) }
        }
        #expect(states == expected)
        let record = try await fixture.record(id)
        #expect(record.state == .dead)
        #expect(record.errors.map(\.attempt) == [1, 2, 3])
        #expect(record.errors.map(\.message) == ["slow 1", "slow 2", "slow 3"])
        #expect(record.lastError == "slow 3")
        await fixture.close()
    }

    @Test func aPermanentFailureGoesDeadAtOnceWithItsCode() async throws {
        let fixture = try await QueueFixture.make()
        let id = try await fixture.queue.enqueue(NewJob(kind: "k", maxAttempts: 10)).id
        let job = try #require(try await fixture.queue.claim(lane: "default", limit: 1, owner: "w", leaseDuration: .seconds(30)).first)
        let (state, _) = try await fixture.queue.fail(job.lease, .permanent("bad_input", "not an image"), retryDelay: .seconds(5))
        #expect(state == .dead)
        let record = try await fixture.record(id)
        #expect(record.errors.map(\.code) == ["bad_input"])
        #expect(record.attempts == 1)
        await fixture.close()
    }

    @Test func theBackoffDoublesUpToItsCapWithBoundedJitter() {
        let plain = JobBackoff(initial: .seconds(1), multiplier: 2, maximum: .seconds(60), jitter: 0)
        #expect((1...8).map { plain.delay(afterAttempt: $0) } == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        let jittered = JobBackoff(initial: .seconds(10), multiplier: 2, maximum: .seconds(3600), jitter: 0.2)
        let delays = (0..<200).map { _ in jittered.delay(afterAttempt: 3).queueSeconds }
        #expect(delays.allSatisfy { (32...48).contains($0) })
        #expect(Set(delays).count > 10)
        #expect(throws: QueueError.self) { try JobBackoff(jitter: 1).validate() }
    }

    @Test func failuresAreClassifiedOnce() {
        struct Unknown: Error {}
        struct OverLimit: JobFailureConvertible {
            var jobFailure: JobFailure { .permanent("over_limit", "too many pixels") }
        }
        #expect(JobFailure(classifying: OverLimit()).isPermanent)
        #expect(JobFailure(classifying: OverLimit()).code == "over_limit")
        #expect(!JobFailure(classifying: Unknown()).isPermanent)
        #expect(JobFailure(classifying: DatabaseError(.connectionLost, "gone")).code == "database_unavailable")
    }
}
