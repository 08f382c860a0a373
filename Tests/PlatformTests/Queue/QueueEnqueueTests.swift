import Foundation
import Testing

@testable import Platform

@Suite("Queue: enqueue")
struct QueueEnqueueTests {
    @Test func aSingleJobIsStoredWithItsFields() async throws {
        let fixture = try await QueueFixture.make()
        let runAt = Date(timeIntervalSince1970: 2_000_000_000)
        let result = try await fixture.queue.enqueue(
            NewJob(
                kind: "media.photo", payload: PostgresJSON(text: #"{"media": 7}"#), lane: "photo", priority: -3,
                runAt: runAt, maxAttempts: 9))
        #expect(result.inserted)
        let record = try await fixture.record(result.id)
        #expect(record.kind == "media.photo")
        #expect(record.lane == "photo")
        #expect(record.payload == #"{"media": 7}"#)
        #expect(record.priority == -3)
        #expect(record.runAt == runAt)
        #expect(record.maxAttempts == 9)
        #expect(record.state == .available)
        #expect(record.attempts == 0)
        #expect(record.errors.isEmpty)
        await fixture.close()
    }

    @Test func anIdempotencyKeyReturnsTheExistingJob() async throws {
        let fixture = try await QueueFixture.make()
        let first = try await fixture.queue.enqueue(NewJob(kind: "k", idempotencyKey: "upload-1"))
        let second = try await fixture.queue.enqueue(
            NewJob(kind: "k", payload: PostgresJSON(text: #"{"other": true}"#), idempotencyKey: "upload-1"))
        #expect(first.inserted)
        #expect(!second.inserted)
        #expect(second.id == first.id)
        #expect(try await fixture.record(first.id).payload == "{}")
        let count = try await fixture.pool.query("SELECT count(*) FROM jobs")
        #expect(try count[0].decode(Int.self, at: 0) == 1)
        await fixture.close()
    }

    @Test func aBatchOfTenThousandIsOneStatementAndKeepsItsKeys() async throws {
        let fixture = try await QueueFixture.make()
        let existing = try await fixture.queue.enqueue(NewJob(kind: "k", idempotencyKey: "key-5"))
        var jobs = (0..<10_000).map { index in
            NewJob(kind: "bulk", payload: PostgresJSON(text: #"{"n": \#(index)}"#), lane: "backlog",
                   idempotencyKey: index % 1000 == 5 ? "key-\(index)" : nil)
        }
        // A key repeated inside the batch maps to one job.
        jobs.append(NewJob(kind: "bulk", lane: "backlog", idempotencyKey: "key-1005"))
        let results = try await fixture.queue.enqueue(jobs)
        #expect(results.count == jobs.count)
        #expect(results[5] == EnqueuedJob(id: existing.id, inserted: false))
        #expect(results[1005].inserted)
        #expect(results.last == EnqueuedJob(id: results[1005].id, inserted: false))
        #expect(Set(results.map(\.id)).count == 10_000)
        let count = try await fixture.pool.query("SELECT count(*) FROM jobs")
        // 10,001 inputs: key-5 already existed and key-1005 came twice.
        #expect(try count[0].decode(Int.self, at: 0) == 10_000)
        // Order is preserved: job i carries payload n = i.
        let sample = try await fixture.record(results[4321].id)
        #expect(sample.payload == #"{"n": 4321}"#)

        // Enqueueing the same batch again adds only the keyless jobs.
        let again = try await fixture.queue.enqueue(Array(jobs[0..<2000]))
        #expect(again[5].id == existing.id && !again[5].inserted)
        #expect(again[1005].id == results[1005].id && !again[1005].inserted)
        #expect(again.filter(\.inserted).count == 1998)
        await fixture.close()
    }

    @Test func everyResultOfAMixedBatchNamesTheJobItsInputDescribes() async throws {
        let fixture = try await QueueFixture.make()
        let taken = try await fixture.queue.enqueue(NewJob(kind: "first", payload: PostgresJSON(text: #"{"n": -1}"#), idempotencyKey: "k-3"))
        // Keyed and keyless inputs interleaved; k-3 is taken already, k-7 comes twice.
        let keys: [String?] = [nil, "k-1", nil, "k-3", "k-7", nil, "k-7", nil, "k-9", nil]
        let jobs = keys.enumerated().map { index, key in
            NewJob(kind: "mixed", payload: PostgresJSON(text: #"{"n": \#(index)}"#), idempotencyKey: key)
        }
        let results = try await fixture.queue.enqueue(jobs)
        #expect(results.map(\.inserted) == [true, true, true, false, true, true, false, true, true, true])
        #expect(results[3].id == taken.id)
        #expect(results[6].id == results[4].id)
        for (index, result) in results.enumerated() where result.inserted {
            let record = try await fixture.record(result.id)
            #expect(record.payload == #"{"n": \#(index)}"#, "input \(index)")
            #expect(record.idempotencyKey == keys[index], "input \(index)")
        }
        await fixture.close()
    }

    @Test func aBatchStoresEachJobsOwnColumnsWhetherTheyDifferOrAreShared() async throws {
        let fixture = try await QueueFixture.make()
        let later = Date(timeIntervalSince1970: 2_000_000_000.25)
        let differing = (0..<6).map { index in
            NewJob(
                kind: "kind-\(index % 2)", payload: PostgresJSON(text: #"{"i": \#(index)}"#), lane: index < 3 ? "photo" : "video",
                priority: index - 3, runAt: index % 3 == 0 ? nil : later.addingTimeInterval(Double(index)),
                maxAttempts: index + 1)
        }
        let shared = (0..<4).map { index in
            NewJob(kind: "same", payload: PostgresJSON(text: #"{"j": \#(index)}"#), lane: "backlog", priority: 7, runAt: later, maxAttempts: 2)
        }
        let before = try await fixture.pool.query("SELECT now()")[0].decode(Date.self, at: 0)
        for jobs in [differing, shared] {
            let results = try await fixture.queue.enqueue(jobs)
            #expect(results.allSatisfy { $0.inserted })
            for (job, result) in zip(jobs, results) {
                let record = try await fixture.record(result.id)
                #expect(record.kind == job.kind)
                #expect(record.lane == job.lane)
                #expect(record.payload == job.payload.text)
                #expect(record.priority == job.priority)
                #expect(record.maxAttempts == job.maxAttempts)
                if let runAt = job.runAt {
                    #expect(record.runAt == runAt)
                } else {
                    // Now, by the database's clock.
                    #expect(record.runAt >= before && record.runAt < later)
                }
            }
        }
        await fixture.close()
    }

    @Test func aBatchWhoseIdsAreNotConsecutiveStillNamesEachJob() async throws {
        // Ids with gaps, as when another session draws from the sequence during the insert.
        let fixture = try await QueueFixture.make()
        try await fixture.pool.execute("ALTER SEQUENCE jobs_id_seq INCREMENT BY 3")
        let jobs = (0..<5).map { NewJob(kind: "gap", payload: PostgresJSON(text: #"{"n": \#($0)}"#)) }
        let results = try await fixture.queue.enqueue(jobs)
        #expect(results.count == 5 && results.allSatisfy { $0.inserted })
        let ids = results.map(\.id)
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $1 - $0 == 3 })
        for (index, result) in results.enumerated() {
            #expect(try await fixture.record(result.id).payload == #"{"n": \#(index)}"#)
        }
        await fixture.close()
    }

    @Test func aSingleEnqueueHonoursItsKeyInAnyLaneAndKeepsItsLane() async throws {
        let fixture = try await QueueFixture.make()
        let first = try await fixture.queue.enqueue(NewJob(kind: "media.photo", lane: "photo", idempotencyKey: "upload-9"))
        // The key names the job whatever lane or kind the repeat asks for.
        let repeated = try await fixture.queue.enqueue(NewJob(kind: "video.ladder", lane: "video", idempotencyKey: "upload-9"))
        #expect(first.inserted && !repeated.inserted && repeated.id == first.id)
        let video = try await fixture.queue.enqueue(NewJob(kind: "video.ladder", lane: "video"))
        let unkeyed = try await fixture.queue.enqueue(NewJob(kind: "media.photo", lane: "photo"))
        #expect(video.inserted && unkeyed.inserted)
        let videoClaims = try await fixture.queue.claim(lane: "video", limit: 10, owner: "w", leaseDuration: .seconds(30))
        let photoClaims = try await fixture.queue.claim(lane: "photo", limit: 10, owner: "w", leaseDuration: .seconds(30))
        #expect(videoClaims.map(\.id) == [video.id])
        #expect(Set(photoClaims.map(\.id)) == [first.id, unkeyed.id])
        // A key-holding job that is running still deduplicates.
        let again = try await fixture.queue.enqueue(NewJob(kind: "media.photo", lane: "photo", idempotencyKey: "upload-9"))
        #expect(again == EnqueuedJob(id: first.id, inserted: false))
        await fixture.close()
    }

    @Test func aSingleEnqueueInTheCallersTransactionExistsOnlyIfItCommits() async throws {
        let fixture = try await QueueFixture.make()
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await fixture.pool.transaction { connection in
                try JobQueue.enqueue(NewJob(kind: "k", idempotencyKey: "tx-1"), on: connection)
                throw Abort()
            }
        }
        let committed = try await fixture.pool.transaction { connection in
            try JobQueue.enqueue(NewJob(kind: "k", idempotencyKey: "tx-1"), on: connection)
        }
        #expect(committed.inserted)
        let count = try await fixture.pool.query("SELECT count(*) FROM jobs")
        #expect(try count[0].decode(Int.self, at: 0) == 1)
        await fixture.close()
    }

    @Test func malformedJobsAreRefusedBeforeTheDatabase() async throws {
        let fixture = try await QueueFixture.make()
        for job in [NewJob(kind: ""), NewJob(kind: "k", lane: "No"), NewJob(kind: "k", maxAttempts: 0), NewJob(kind: "k", idempotencyKey: "")] {
            await #expect(throws: QueueError.self) { try await fixture.queue.enqueue(job) }
        }
        await fixture.close()
    }

    @Test func aBatchWithOneMalformedPayloadInsertsNothing() async throws {
        let fixture = try await QueueFixture.make()
        // Payloads are parsed as their rows are built: the bad one comes after rows already made.
        for keyed in [false, true] {
            var jobs = (0..<500).map { index in
                NewJob(kind: "bulk", payload: PostgresJSON(text: #"{"n": \#(index)}"#), idempotencyKey: keyed ? "key-\(index)" : nil)
            }
            jobs[400].payload = PostgresJSON(text: #"{"n": 400"#)
            let error = await #expect(throws: DatabaseError.self) { try await fixture.queue.enqueue(jobs) }
            #expect(error?.sqlState == "22P02", "keyed: \(keyed)")
            #expect(error?.message.contains("json") == true, "\(String(describing: error))")
        }
        let count = try await fixture.pool.query("SELECT count(*) FROM jobs")
        #expect(try count[0].decode(Int.self, at: 0) == 0)
        await fixture.close()
    }

    @Test func theSchemaRefusesAPlainSQLInsertWithABadLane() async throws {
        let fixture = try await QueueFixture.make()
        let longest = String(repeating: "a", count: 32)
        for lane in ["", "Photo", "a-b", "x y", "é", longest + "a"] {
            let error = await #expect(throws: DatabaseError.self) {
                try await fixture.pool.query("INSERT INTO jobs (kind, lane) VALUES ('k', $1)", [lane])
            }
            #expect(error?.sqlState == "23514", "lane '\(lane)'")
        }
        for lane in [longest, "photo_2", "_"] {
            try await fixture.pool.query("INSERT INTO jobs (kind, lane) VALUES ('k', $1)", [lane])
        }
        let stored = try await fixture.pool.query("SELECT lane FROM jobs ORDER BY id")
        #expect(try stored.map { try $0.decode(String.self, column: "lane") } == [longest, "photo_2", "_"])
        await fixture.close()
    }

    @Test func aPlainSQLInsertIsAJobToo() async throws {
        let fixture = try await QueueFixture.make()
        let rows = try await fixture.pool.query(
            """
            INSERT INTO jobs (kind, lane, payload, priority, idempotency_key)
            VALUES ('media.photo', 'photo', '{"media": 42}', 0, 'upload-42')
            ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """)
        let id = try rows[0].decode(Int64.self, at: 0)
        let claimed = try await fixture.queue.claim(lane: "photo", limit: 10, owner: "w", leaseDuration: .seconds(30))
        #expect(claimed.map(\.id) == [id])
        #expect(try claimed[0].decodePayload([String: Int].self) == ["media": 42])
        await fixture.close()
    }
}
