import ArgumentParser
import Foundation
import Logging
import Platform
import ServiceLifecycle
import UnixSignals

/// `mediadaemon jobs diagnose`: a worker process for the diagnostic job kind `diag.wait` only,
/// with the rescuer, for drills and end-to-end tests of the queue (crash recovery, fencing,
/// exactly-once across processes). Not part of `serve`; hidden from help.
///
/// A `diag.wait` job's payload may name two files: `started` (written with the job id, attempt
/// and owner when the handler begins) and `release` (the handler waits until it exists). On
/// success the job's side effect, a `diag_job_effects` row (job id, attempt, owner), commits
/// in the completion transaction; the command creates that table if it is missing.
struct JobsDiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Run a worker for the diagnostic job kind diag.wait (drills and tests).",
        shouldDisplay: false)

    /// The job kind this worker runs.
    static let kind = "diag.wait"

    @OptionGroup var options: GlobalOptions

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
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "mediadaemon.diagnose")
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer { try? database.close() }
        let pool = try DatabasePool(url: database.url, size: 1, logger: logger)
        do {
            try await Migrator(logger: logger).migrate(pool)
            try await pool.withConnection { connection in
                try connection.transaction { transaction in
                    // Workers started together would race on the catalog (IF NOT EXISTS does not
                    // stop two concurrent creates): they take turns.
                    try transaction.query("SELECT pg_advisory_xact_lock(hashtext('diag_job_effects'))")
                    try transaction.query(
                        """
                        CREATE TABLE IF NOT EXISTS diag_job_effects (
                            job_id bigint NOT NULL, attempt integer NOT NULL, owner text NOT NULL,
                            at timestamptz NOT NULL DEFAULT now())
                        """)
                }
            }
            let runner = try QueueRunner(
                configuration: .init(
                    database: .init(url: database.url, size: 1), lanes: [.init(lane, threads: threads)],
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
