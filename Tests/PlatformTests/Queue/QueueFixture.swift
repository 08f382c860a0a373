import Foundation
import Logging
import Platform

/// A freshly migrated database with a queue client on it, for one test.
struct QueueFixture {
    let url: String
    let pool: DatabasePool
    let queue: JobQueue
    let logger = Logger(label: "queue-test")

    static func make(poolSize: Int = 2) async throws -> QueueFixture {
        let url = try await TestCluster.shared().makeMigratedDatabase()
        let logger = Logger(label: "queue-test")
        let pool = try DatabasePool(url: url, size: poolSize, logger: logger)
        try await Migrator(logger: logger).migrate(pool)
        return QueueFixture(url: url, pool: pool, queue: JobQueue(pool: pool, logger: logger))
    }

    /// A runner configuration on this database with short, test-friendly intervals.
    func runnerConfiguration(
        lanes: [QueueRunner.Lane], owner: String = QueueRunner.Configuration.defaultOwner(),
        leaseDuration: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(10),
        pollInterval: Duration = .seconds(5), grace: Duration = .seconds(5)
    ) -> QueueRunner.Configuration {
        QueueRunner.Configuration(
            database: DatabasePool.Configuration(url: url), lanes: lanes, owner: owner,
            leaseDuration: leaseDuration, heartbeatInterval: heartbeatInterval, pollInterval: pollInterval,
            shutdownGracePeriod: grace, backoff: JobBackoff(initial: .milliseconds(1), maximum: .milliseconds(1), jitter: 0))
    }

    /// The job's row as operators see it; fails the test's expectation when missing.
    func record(_ id: Int64) async throws -> JobRecord {
        guard let record = try await queue.job(id: id) else { throw QueueError(.notFound, "no job \(id)") }
        return record
    }

    func close() async {
        await pool.close()
    }
}
