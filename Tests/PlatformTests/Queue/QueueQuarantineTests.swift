import Foundation
import Logging
import Testing

@testable import Platform

@Suite("Queue: quarantine by content key")
struct QueueQuarantineTests {
    let logger = Logger(label: "queue-test")

    /// A job for input `key` (payload `content_key`), as media jobs carry it.
    private func job(_ key: String, priority: Int = 0, kind: String = "k") -> NewJob {
        NewJob(kind: kind, payload: PostgresJSON(text: #"{"content_key": "\#(key)", "n": 1}"#), priority: priority, maxAttempts: 5)
    }

    /// Claims the first due job as `owner` and lets it hang (the worker stopped making
    /// progress while its lease held): the rescuer runs with the clock pinned past the stall
    /// timeout (600 s by default), within the hour-long lease.
    private func killOnce(
        _ fixture: QueueFixture, _ rescuer: JobRescuer, owner: String
    ) async throws -> (Job, JobRescuer.Outcome) {
        let claimed = try #require(
            try await fixture.queue.claim(lane: "default", limit: 1, owner: owner, leaseDuration: .seconds(3600)).first)
        let outcome = try await rescuer.runOnce(now: claimed.lease.expiresAt.addingTimeInterval(-60))
        return (claimed, outcome)
    }

    /// Claims the first due job as `owner` and lets its lease expire: the daemon holding it died.
    private func expireOnce(
        _ fixture: QueueFixture, _ rescuer: JobRescuer, owner: String
    ) async throws -> (Job, JobRescuer.Outcome) {
        let claimed = try #require(
            try await fixture.queue.claim(lane: "default", limit: 1, owner: owner, leaseDuration: .seconds(30)).first)
        let outcome = try await rescuer.runOnce(now: claimed.lease.expiresAt.addingTimeInterval(1))
        return (claimed, outcome)
    }

    @Test func anInputThatKillsThreeAttemptsInARowIsQuarantinedAndItsNewJobsAreDeadAtOnce() async throws {
        let fixture = try await QueueFixture.make()
        let rescuer = try JobRescuer(pool: fixture.pool, logger: logger)
        #expect(rescuer.configuration.quarantineAfter == 3)
        let key = String(repeating: "ab", count: 32)
        let toxic = try await fixture.queue.enqueue(job(key)).id
        // Same input, queued behind it; and an unrelated job that must not be touched.
        let sibling = try await fixture.queue.enqueue(job(key, priority: 10)).id
        let other = try await fixture.queue.enqueue(NewJob(kind: "k", priority: 20)).id

        var stale: Job?
        for attempt in 1...3 {
            let (claimed, outcome) = try await killOnce(fixture, rescuer, owner: "worker-\(attempt)")
            #expect(claimed.id == toxic && claimed.attempt == attempt)
            #expect(claimed.contentKey == key)
            stale = claimed
            if attempt < 3 {
                #expect(outcome.rescued == [toxic] && outcome.quarantined.isEmpty)
                #expect(try await fixture.record(toxic).state == .available)
            } else {
                #expect(outcome.killed == [toxic] && outcome.quarantined == [toxic])
                #expect(outcome.deadLettered == 1)
            }
        }
        let dead = try await fixture.record(toxic)
        #expect(dead.state == .dead)
        #expect(dead.attempts == 3 && dead.maxAttempts == 5)
        #expect(dead.errors.map(\.code) == ["stalled", "stalled", "quarantined"])
        #expect(dead.lastError?.contains(key) == true)
        let deadSibling = try await fixture.record(sibling)
        #expect(deadSibling.state == .dead && deadSibling.attempts == 0)
        #expect(deadSibling.errors.map(\.code) == ["quarantined"])
        #expect(try await fixture.record(other).state == .available)

        // The last holder wakes up after the quarantine: its completion is refused, no change.
        let lastHolder = try #require(stale)
        await #expect(throws: QueueError.self) { try await fixture.queue.complete(lastHolder.lease) }
        #expect(try await fixture.record(toxic).state == .dead)

        let listed = try await fixture.queue.quarantines()
        #expect(listed.map(\.contentKey) == [key])
        #expect(listed.first?.kills == 3)
        #expect(listed.first?.lastJobID == toxic)
        #expect(listed.first?.lastError == "stalled")
        #expect(listed.first?.deadJobs == 2)

        // New work for the input is dead-lettered at insert: with the API and with plain SQL.
        let refused = try await fixture.queue.enqueue(job(key, kind: "again"))
        #expect(refused.inserted)
        let refusedRecord = try await fixture.record(refused.id)
        #expect(refusedRecord.state == .dead && refusedRecord.errors.map(\.code) == ["quarantined"])
        let plain = try await fixture.pool.query(
            "INSERT INTO jobs (kind, content_key) VALUES ('plain', $1) RETURNING id, state::text AS state", [key])
        #expect(try plain[0].decode(String.self, column: "state") == "dead")
        // Nothing of the input can be claimed; the unrelated job still can.
        let next = try await fixture.queue.claim(lane: "default", limit: 10, owner: "worker-4", leaseDuration: .seconds(30))
        #expect(next.map(\.id) == [other])

        // Lifting accepts the input again and names its dead jobs for a retry.
        let deadJobs = try await fixture.queue.liftQuarantine(contentKey: key)
        #expect(deadJobs == [toxic, sibling, refused.id, try plain[0].decode(Int64.self, column: "id")])
        #expect(try await fixture.queue.quarantines().isEmpty)
        await #expect(throws: QueueError.self) { try await fixture.queue.liftQuarantine(contentKey: key) }
        let accepted = try await fixture.queue.enqueue(job(key, kind: "after-lift"))
        #expect(try await fixture.record(accepted.id).state == .available)
        try await fixture.queue.retry(id: toxic)
        #expect(try await fixture.record(toxic).state == .available)
        await fixture.close()
    }

    @Test func aSuccessEndsTheRunOfKillsAndJobsWithoutAKeyAreNeverQuarantined() async throws {
        let fixture = try await QueueFixture.make()
        let rescuer = try JobRescuer(pool: fixture.pool, logger: logger)
        let key = "input-1"
        let first = try await fixture.queue.enqueue(job(key)).id
        for attempt in 1...2 { _ = try await killOnce(fixture, rescuer, owner: "crash-\(attempt)") }
        #expect(try await kills(fixture, key) == 2)

        // A worker finishes the job: the input did not kill it, so the count starts again.
        let done = Countdown(1)
        let runner = try QueueRunner(
            configuration: fixture.runnerConfiguration(lanes: [.init("default", threads: 1)]),
            handlers: ["k": { _, _ in
                .completed { _ in done.countDown() }
            }], logger: logger)
        let task = Task { try await runner.run() }
        try await done.wait()
        runner.shutdown()
        try await task.value
        #expect(try await fixture.record(first).state == .succeeded)
        #expect(try await kills(fixture, key) == nil)

        let second = try await fixture.queue.enqueue(job(key)).id
        let (_, outcome) = try await killOnce(fixture, rescuer, owner: "crash-3")
        #expect(outcome.rescued == [second])
        #expect(try await kills(fixture, key) == 1)

        // No content key: stalls only count against max_attempts.
        let plain = try await fixture.queue.enqueue(NewJob(kind: "k", priority: -1, maxAttempts: 5)).id
        for attempt in 1...4 {
            let (claimed, outcome) = try await killOnce(fixture, rescuer, owner: "plain-\(attempt)")
            #expect(claimed.id == plain && claimed.contentKey == nil)
            #expect(outcome.quarantined.isEmpty && outcome.rescued == [plain])
        }
        #expect(try await fixture.record(plain).state == .available)
        await fixture.close()
    }

    @Test func aDaemonWhoseLeaseExpiredIsNotHeldAgainstItsInput() async throws {
        let fixture = try await QueueFixture.make()
        let rescuer = try JobRescuer(pool: fixture.pool, logger: logger)
        let id = try await fixture.queue.enqueue(job("held-by-a-dead-daemon")).id
        for attempt in 1...4 {
            let (claimed, outcome) = try await expireOnce(fixture, rescuer, owner: "daemon-\(attempt)")
            #expect(claimed.id == id && outcome.rescued == [id] && outcome.quarantined.isEmpty)
        }
        let record = try await fixture.record(id)
        #expect(record.state == .available)
        #expect(record.errors.map(\.code) == ["lease_expired", "lease_expired", "lease_expired", "lease_expired"])
        #expect(try await kills(fixture, "held-by-a-dead-daemon") == nil)
        await fixture.close()
    }

    @Test func aWorkerCrashCountsOnceForItsAttemptAndQuarantinesAtTheLimit() async throws {
        let fixture = try await QueueFixture.make()
        let key = "crashes-its-worker"
        let id = try await fixture.queue.enqueue(job(key)).id
        let first = try #require(
            try await fixture.queue.claim(lane: "default", limit: 1, owner: "w-1", leaseDuration: .seconds(30)).first)
        let one = try await fixture.queue.recordWorkerKill(first, error: "worker_crashed: SIGSEGV", quarantineAfter: 2)
        #expect(one?.kills == 1 && one?.quarantined == false)
        try await fixture.queue.fail(first.lease, JobFailure.transient("worker_crashed", "SIGSEGV"), retryDelay: .zero)
        // A stale holder of the first attempt cannot count another kill: the write is fenced.
        #expect(try await fixture.queue.recordWorkerKill(first, error: "late", quarantineAfter: 2) == nil)
        #expect(try await kills(fixture, key) == 1)

        let second = try #require(
            try await fixture.queue.claim(lane: "default", limit: 1, owner: "w-2", leaseDuration: .seconds(30)).first)
        #expect(second.id == id && second.attempt == 2)
        let two = try await fixture.queue.recordWorkerKill(second, error: "worker_crashed: SIGSEGV", quarantineAfter: 2)
        #expect(two?.kills == 2 && two?.quarantined == true)
        #expect(try await fixture.queue.quarantines().map(\.contentKey) == [key])
        // New jobs for the input are dead at insert.
        let refused = try await fixture.queue.enqueue(job(key, kind: "again"))
        #expect(try await fixture.record(refused.id).state == .dead)
        await fixture.close()
    }

    @Test func quarantineCanBeTurnedOffAndItsLimitIsValidated() async throws {
        #expect(throws: QueueError.self) {
            try JobRescuer.Configuration(quarantineAfter: 0).validate()
        }
        let fixture = try await QueueFixture.make()
        let rescuer = try JobRescuer(
            pool: fixture.pool, configuration: JobRescuer.Configuration(quarantineAfter: nil), logger: logger)
        let id = try await fixture.queue.enqueue(job("never")).id
        for attempt in 1...4 { _ = try await killOnce(fixture, rescuer, owner: "w-\(attempt)") }
        #expect(try await fixture.record(id).state == .available)
        #expect(try await kills(fixture, "never") == nil)
        await fixture.close()
    }

    private func kills(_ fixture: QueueFixture, _ key: String) async throws -> Int? {
        try await fixture.pool.query("SELECT kills FROM job_content_kills WHERE content_key = $1", [key])
            .first?.decode(Int.self, column: "kills")
    }
}
