import Foundation
import Logging
import Platform
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The queue across real worker processes (the `QueueDrillWorker` test executable): a worker killed with
/// SIGKILL mid-job, and exactly-once execution with two processes draining one queue.
@Suite("queue across worker processes", .serialized)
struct QueueProcessTests {
    private let directory: URL
    private let logger = Logger(label: "queue-process-test")

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/md-q-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A throwaway cluster with the schema applied, stopped and removed by `body`'s end.
    private func withDatabase(_ body: (String, DatabasePool) async throws -> Void) async throws {
        let cluster = EmbeddedPostgres(
            directory: directory.appendingPathComponent("pg").path, port: Int.random(in: 20_000..<60_000), ephemeral: true,
            logger: logger)
        try await Blocking.onOwnThread { try cluster.start() }  // initdb and pg_ctl block for seconds
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let pool = try DatabasePool(url: cluster.connectionURL, size: 2, logger: logger)
        do {
            try await Migrator(logger: logger).migrate(pool)
            // The drill jobs' side effect: one row per completed attempt, written in the
            // completion transaction.
            try await pool.query(
                """
                CREATE TABLE diag_job_effects (
                    job_id bigint NOT NULL, attempt integer NOT NULL, owner text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now())
                """)
            try await body(cluster.connectionURL, pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    private func worker(_ url: String, owner: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(
            DaemonProcess.sibling("QueueDrillWorker"), ["--owner", owner] + arguments, directory: directory,
            environment: ["DATABASE_URL": url])
    }

    /// Polls `condition` every 100 ms; false if `timeout` (a safety net, not a measurement) passes.
    private func eventually(timeout: Duration = .seconds(180), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test func aWorkerKilledMidJobLosesItToAnotherProcessAndItsLateCompletionIsRefused() async throws {
        try await withDatabase { url, pool in
            let queue = JobQueue(pool: pool, logger: logger)
            let started = directory.appendingPathComponent("started").path
            let release = directory.appendingPathComponent("release").path
            let payload = try PostgresJSON(encoding: ["started": started, "release": release])
            let id = try await queue.enqueue(NewJob(kind: "diag.wait", payload: payload, lane: "diag", maxAttempts: 3)).id

            // A short lease; no heartbeat can save the job once the process is gone.
            let lease = ["--lease-seconds", "2", "--heartbeat-seconds", "0.5", "--rescue-seconds", "0.5"]
            let doomed = try worker(url, owner: "doomed", lease)
            #expect(try await eventually { FileManager.default.fileExists(atPath: started) }, "\(doomed.stderr)")
            #expect(try String(contentsOfFile: started, encoding: .utf8) == "\(id) 1 doomed\n")
            let held = try await queue.job(id: id)
            #expect(held?.state == .running && held?.leaseOwner == "doomed")
            doomed.signal(SIGKILL)
            #expect(await doomed.waitForExit().status == 128 + SIGKILL)

            // The job is still "running" under the dead process until its lease expires; then
            // the survivor's rescuer returns it and the survivor runs it to the end.
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: false)
            let survivor = try worker(url, owner: "survivor", lease)
            let finished = try await eventually { try await queue.job(id: id)?.state == .succeeded }
            #expect(finished, "\(survivor.stderr)")
            let record = try #require(try await queue.job(id: id))
            #expect(record.attempts == 2)
            #expect(record.errors.map(\.code) == ["lease_expired"])
            #expect(try String(contentsOfFile: started, encoding: .utf8) == "\(id) 2 survivor\n")
            let effects = try await pool.query("SELECT attempt, owner FROM diag_job_effects WHERE job_id = $1", [id])
            #expect(effects.count == 1)
            #expect(try effects.first?.decode(Int.self, column: "attempt") == 2)
            #expect(try effects.first?.decode(String.self, column: "owner") == "survivor")

            // The killed worker's completion, had it come late: refused by the fencing token,
            // and nothing changes.
            let stale = JobLease(jobID: id, attempt: 1, owner: "doomed", expiresAt: Date())
            do {
                try await queue.complete(stale) { connection in
                    try connection.query(
                        "INSERT INTO diag_job_effects (job_id, attempt, owner) VALUES ($1, 1, 'doomed')", [id])
                }
                Issue.record("the stale completion was accepted")
            } catch let error as QueueError {
                #expect(error.code == .leaseLost)
            }
            #expect(try await pool.query("SELECT 1 FROM diag_job_effects WHERE job_id = $1", [id]).count == 1)
            #expect(try await queue.job(id: id)?.attempts == 2)

            survivor.signal(SIGTERM)
            let exit = await survivor.waitForExit()
            #expect(exit.status == 0, "\(exit.stderr)")
        }
    }

    @Test func twoProcessesWithFourWorkersEachRunTwentyThousandJobsExactlyOnce() async throws {
        try await withDatabase { url, pool in
            let queue = JobQueue(pool: pool, logger: logger)
            let jobCount = 20_000
            let workers = try ["left", "right"].map { owner in
                try worker(url, owner: owner, ["--threads", "4", "--claim-batch", "8"])
            }
            for worker in workers {
                #expect(await worker.waitForStderr(containing: "queue runner started"), "\(worker.stderr)")
            }
            for start in stride(from: 0, to: jobCount, by: 5_000) {
                try await queue.enqueue(
                    (start..<start + 5_000).map {
                        NewJob(kind: "diag.wait", payload: PostgresJSON(text: "{\"n\": \($0)}"), lane: "diag")
                    })
            }
            let drained = try await eventually {
                try await pool.query("SELECT 1 FROM jobs WHERE state <> 'succeeded' LIMIT 1").isEmpty
            }
            #expect(drained)
            for worker in workers { worker.signal(SIGTERM) }
            for worker in workers {
                let exit = await worker.waitForExit()
                #expect(exit.status == 0, "\(exit.stderr)")
            }

            let check = try await pool.query(
                """
                SELECT count(*) AS effects, count(DISTINCT job_id) AS jobs,
                       count(*) FILTER (WHERE owner = 'left') AS left_effects,
                       count(*) FILTER (WHERE owner = 'right') AS right_effects,
                       (SELECT count(*) FROM jobs WHERE state = 'succeeded' AND attempts = 1) AS succeeded_first_time
                FROM diag_job_effects
                """)
            #expect(try check[0].decode(Int.self, column: "effects") == jobCount)
            #expect(try check[0].decode(Int.self, column: "jobs") == jobCount)
            #expect(try check[0].decode(Int.self, column: "succeeded_first_time") == jobCount)
            // Both processes took part.
            #expect(try check[0].decode(Int.self, column: "left_effects") > 0)
            #expect(try check[0].decode(Int.self, column: "right_effects") > 0)
        }
    }
}
