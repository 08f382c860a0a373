import ArgumentParser
import Foundation
import Logging
import Platform
import ServiceLifecycle
import UnixSignals

/// `QueueDrillWorker`: a worker process for the drill job kind `diag.wait` only, with the
/// rescuer, for the end-to-end tests of the queue across processes (crash recovery, fencing,
/// exactly-once). Test support: built with the tests, never shipped in `mediadaemon`.
///
/// A `diag.wait` job's payload may name two files: `started` (written with the job id, attempt
/// and owner when the handler begins) and `release` (the handler waits until it exists). On
/// success the job's side effect, a `diag_job_effects` row (job id, attempt, owner), commits
/// in the completion transaction; the test creates that table.
@main
struct QueueDrillWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "QueueDrillWorker", abstract: "Run a worker for the drill job kind diag.wait (tests only).")

    /// The job kind this worker runs.
    static let kind = "diag.wait"

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (env DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "The lane to claim from.")
    var lane = "diag"

    @Option(help: "Worker threads.")
    var threads = 1

    @Option(help: "Jobs claimed at once per thread.")
    var claimBatch = 1

    @Option(help: "Lease owner id (default host/pid/random).")
    var owner: String?

    @Option(help: "Lease length in seconds.")
    var leaseSeconds = 30.0

    @Option(help: "Seconds between heartbeats (less than the lease).")
    var heartbeatSeconds = 10.0

    @Option(help: "Seconds between rescuer passes.")
    var rescueSeconds = 5.0

    func validate() throws {
        guard threads >= 1, claimBatch >= 1 else { throw ValidationError("--threads and --claim-batch must be at least 1") }
        guard leaseSeconds > 0, heartbeatSeconds > 0, heartbeatSeconds < leaseSeconds, rescueSeconds > 0 else {
            throw ValidationError("need 0 < --heartbeat-seconds < --lease-seconds and --rescue-seconds > 0")
        }
    }

    private struct Payload: Decodable {
        var started: String?
        var release: String?
    }

    func run() async throws {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("need --database-url or DATABASE_URL")
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "queue-drill-worker")
        let pool = try DatabasePool(url: url, size: 1, logger: logger)
        do {
            let runner = try QueueRunner(
                configuration: .init(
                    database: .init(url: url, size: 1), lanes: [.init(lane, threads: threads)],
                    owner: owner ?? QueueRunner.Configuration.defaultOwner(),
                    leaseDuration: .milliseconds(Int64(leaseSeconds * 1000)),
                    heartbeatInterval: .milliseconds(Int64(heartbeatSeconds * 1000)),
                    pollInterval: .milliseconds(500), shutdownGracePeriod: .seconds(5), claimBatchSize: claimBatch),
                handlers: [Self.kind: Self.handle], logger: logger)
            let rescuer = try JobRescuer(
                pool: pool, configuration: .init(interval: .milliseconds(Int64(rescueSeconds * 1000))), logger: logger)
            // SIGTERM / SIGINT: stop claiming, finish or release running jobs, exit 0.
            let group = ServiceGroup(
                configuration: .init(
                    services: [
                        .init(service: QueueMaintenanceService(rescuer: rescuer, cleaner: try JobCleaner(pool: pool, logger: logger))),
                        .init(service: QueueService(runner: runner)),
                    ],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    @Sendable static func handle(_ job: Job, _ context: JobContext) throws -> JobResult {
        let payload = try job.decodePayload(Payload.self)
        if let started = payload.started {
            try Data("\(job.id) \(job.attempt) \(job.lease.owner)\n".utf8).write(to: URL(fileURLWithPath: started))
        }
        if let release = payload.release {
            while !FileManager.default.fileExists(atPath: release) {
                try context.checkCancellation()
                usleep(20_000)
            }
        }
        return .completed { connection in
            try connection.query(
                "INSERT INTO diag_job_effects (job_id, attempt, owner) VALUES ($1, $2, $3)",
                [job.id, Int32(job.attempt), job.lease.owner])
        }
    }
}

/// The runner as a service, as `serve` runs it: stop claiming on graceful shutdown.
private struct QueueService: Service {
    let runner: QueueRunner

    func run() async throws {
        try await withGracefulShutdownHandler { try await runner.run() } onGracefulShutdown: { runner.shutdown() }
    }
}

/// The rescuer and cleaner until graceful shutdown, as `serve` runs them.
private struct QueueMaintenanceService: Service {
    let rescuer: JobRescuer
    let cleaner: JobCleaner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await rescuer.run() }
                group.addTask { await cleaner.run() }
            }
        }
    }
}
