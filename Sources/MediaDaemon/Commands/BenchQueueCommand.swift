import ArgumentParser
import Foundation
import Logging
import Platform
import Synchronization

/// `mediadaemon bench queue`: enqueue, drain and pickup-latency figures for the job queue, as
/// one JSON line (the keys `../shared/bench/queue-peers.sh` reads). Uses a lane of its own so
/// it can run against a database that has other jobs.
struct BenchQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Batch/single enqueue jobs/s, no-op drain jobs/s, pickup latency p50/p99.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Jobs to enqueue in batches and then drain.")
    var n = 20_000

    @Option(help: "Pickup-latency samples (one job each, into an idle worker).")
    var samples = 200

    // Four threads claiming 50 at a time drained fastest in our measurements:
    // 8×10 spent its time on claim statements and their commits, 2×50 left the server idle
    // while both threads ran handlers. pgqueuer's tuned peer also claims 50 at a time.
    @Option(help: "Worker threads draining the lane.")
    var threads = 4

    @Option(name: .customLong("claim-batch"), help: "Jobs each drain thread claims at once.")
    var claimBatch = 50

    @Option(help: "Single-job enqueues (one statement each).")
    var singles = 1000

    @Option(help: "Also time single-job claims with this many finished jobs added to the jobs table (0: skip).")
    var history = 0

    private struct Report: Encodable {
        var enqueue_single_jobs_per_s: Double
        var enqueue_batch_jobs_per_s: Double
        var drain_jobs_per_s: Double
        var pickup_p50_ms: Double
        var pickup_p99_ms: Double
        /// Pickup from the enqueue's return (its commit) to the handler's start.
        var pickup_p50_ms_from_commit: Double
        var pickup_p99_ms_from_commit: Double
        var n: Int
        var samples: Int
        var threads: Int
        var claim_batch: Int
        /// Single-job claim time, before and after `history` finished jobs were added to `jobs`.
        var claim_p50_ms_empty_history: Double?
        var claim_p50_ms_with_history: Double?
        var claim_p99_ms_empty_history: Double?
        var claim_p99_ms_with_history: Double?
        var history: Int?
    }

    func run() async throws {
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel == .info ? .warning : configuration.logLevel)
        let logger = Logger(label: "mediadaemon.bench")
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer { try? database.close() }
        let pool = try DatabasePool(url: database.url, size: 2, logger: logger)
        try await Migrator(logger: logger).migrate(pool)
        let queue = JobQueue(pool: pool, logger: logger)
        let lane = "bench_\(UInt32.random(in: 0...UInt32.max))"
        let clock = ContinuousClock()

        // Single enqueues, in a lane nobody drains.
        let singleStart = clock.now
        for index in 0..<singles {
            try await queue.enqueue(NewJob(kind: "bench.single", payload: PostgresJSON(text: "{\"n\": \(index)}"), lane: lane + "_s"))
        }
        let singleRate = Double(singles) / (clock.now - singleStart).seconds

        // Batch enqueue: 10k jobs per statement.
        let batchStart = clock.now
        for start in stride(from: 0, to: n, by: 10_000) {
            let jobs = (start..<min(start + 10_000, n)).map { NewJob(kind: "bench.noop", payload: PostgresJSON(text: "{\"n\": \($0)}"), lane: lane) }
            _ = try await queue.enqueue(jobs)
        }
        let batchRate = Double(n) / (clock.now - batchStart).seconds

        // Drain the pre-loaded jobs with no-op handlers.
        let drained = Atomic<Int>(0)
        let (finished, finishedContinuation) = AsyncStream.makeStream(of: Void.self)
        let jobCount = n
        let drainRunner = try makeRunner(database.url, lane: lane, batch: claimBatch, handler: { _, _ in
            if drained.add(1, ordering: .relaxed).newValue == jobCount { finishedContinuation.finish() }
            return .completed
        }, logger: logger)
        let drainStart = clock.now
        let drainTask = Task { try await drainRunner.run() }
        for await _ in finished {}
        drainRunner.shutdown()
        try await drainTask.value
        let drainRate = Double(n) / (clock.now - drainStart).seconds

        // Pickup latency, measured as the peers' bench measures it (bench_peers.py, m_latency):
        // an idle worker, one job enqueued at a time 50–100 ms apart, from the enqueue call and
        // from its return (the commit) to the handler's start.
        let (starts, startsContinuation) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
        let latencyRunner = try makeRunner(database.url, lane: lane, batch: 1, handler: { _, _ in
            startsContinuation.yield(.now)
            return .completed
        }, logger: logger)
        let latencyTask = Task { try await latencyRunner.run() }
        var iterator = starts.makeAsyncIterator()
        try await queue.enqueue(NewJob(kind: "bench.noop", lane: lane))
        _ = await iterator.next()  // warm-up: the runner is up and idle afterwards
        var fromCall = [Double]()
        var fromCommit = [Double]()
        for _ in 0..<samples {
            // Pacing, not waiting for a state: the worker gets back to its idle wait.
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...100)))
            let called = clock.now
            try await queue.enqueue(NewJob(kind: "bench.noop", lane: lane))
            let committed = clock.now
            guard let started = await iterator.next() else { break }
            fromCall.append((started - called).seconds * 1000)
            fromCommit.append((started - committed).seconds * 1000)
        }
        latencyRunner.shutdown()
        try await latencyTask.value

        // Claim time as history grows: the same claims before and after `history` finished jobs.
        var claims: (empty: [Double], full: [Double])?
        if history > 0 {
            let empty = try await claimTimes(queue, lane: lane + "_c0")
            try await pool.query(
                """
                INSERT INTO jobs (kind, lane, state, attempts, started_at, finished_at)
                SELECT 'bench.done', $1::text, 'succeeded', 1, now() - interval '1 hour', now() - interval '1 hour'
                FROM generate_series(1, $2::integer)
                """, [lane, Int32(clamping: history)])
            try await pool.execute("ANALYZE jobs")
            claims = (empty, try await claimTimes(queue, lane: lane))
        }
        await pool.close()

        fromCall.sort()
        fromCommit.sort()
        let milliseconds = { (values: [Double], p: Double) -> Double in (Self.percentile(values, p) * 100).rounded() / 100 }
        let claimFigure = { (values: [Double]?, p: Double) -> Double? in
            values.map { (Self.percentile($0.sorted(), p) * 1000).rounded() / 1000 }
        }
        let report = Report(
            enqueue_single_jobs_per_s: singleRate.rounded(), enqueue_batch_jobs_per_s: batchRate.rounded(),
            drain_jobs_per_s: drainRate.rounded(), pickup_p50_ms: milliseconds(fromCall, 0.5),
            pickup_p99_ms: milliseconds(fromCall, 0.99), pickup_p50_ms_from_commit: milliseconds(fromCommit, 0.5),
            pickup_p99_ms_from_commit: milliseconds(fromCommit, 0.99), n: n, samples: samples, threads: threads, claim_batch: claimBatch,
            claim_p50_ms_empty_history: claimFigure(claims?.empty, 0.5), claim_p50_ms_with_history: claimFigure(claims?.full, 0.5),
            claim_p99_ms_empty_history: claimFigure(claims?.empty, 0.99), claim_p99_ms_with_history: claimFigure(claims?.full, 0.99),
            history: history > 0 ? history : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// Milliseconds per single-job claim (the claim statement alone; each job is completed
    /// untimed before the next claim) while 1,000 due jobs drain from `lane`, on one connection.
    private func claimTimes(_ queue: JobQueue, lane: String) async throws -> [Double] {
        let count = 1000
        _ = try await queue.enqueue((0..<count).map { NewJob(kind: "bench.noop", payload: PostgresJSON(text: "{\"n\": \($0)}"), lane: lane) })
        return try await queue.pool.withConnection { connection in
            let clock = ContinuousClock()
            var times = [Double]()
            for _ in 0..<count {
                let start = clock.now
                let jobs = try JobQueue.claim(lane: lane, limit: 1, owner: "bench", leaseDuration: .seconds(30), on: connection)
                times.append((clock.now - start).seconds * 1000)
                guard let job = jobs.first else { break }
                try JobQueue.complete(job.lease, on: connection)
            }
            return times
        }
    }

    /// Linear interpolation between the closest ranks, as the peers' bench computes it
    /// (bench_peers.py `pct`; at 0.5 it is Python's `statistics.median`).
    private static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Double(sorted.count - 1) * p
        let low = Int(rank)
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }

    private func makeRunner(_ url: String, lane: String, batch: Int, handler: @escaping JobHandler, logger: Logger) throws -> QueueRunner {
        try QueueRunner(
            configuration: .init(
                database: DatabasePool.Configuration(url: url), lanes: [.init(lane, threads: threads)],
                shutdownGracePeriod: .seconds(10), claimBatchSize: batch),
            handlers: ["bench.noop": handler], logger: logger)
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
