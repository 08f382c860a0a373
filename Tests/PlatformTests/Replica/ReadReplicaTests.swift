import Foundation
import Logging
import Testing

@testable import Platform

/// A real streaming replica (`pg_basebackup -R` of a test cluster): reads go there while it is
/// fresh, to the primary for a recent writer, when it is stopped (no read fails) and when it is
/// behind; `pg_is_in_recovery()` inside the read says which server ran it.
@Suite("Read replica against a streaming standby")
struct ReadReplicaTests {
    @Test func readsFollowTheReplicasState() async throws {
        let primaryCluster = try await TestCluster.start()
        let directory = primaryCluster.directory + "-standby"
        let port = primaryCluster.postgres.port + 1
        let standby = try await Blocking.onOwnThread {
            try primaryCluster.postgres.makeStandby(directory: directory, port: port, logger: Logger(label: "standby"))
        }
        defer {
            try? standby.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await Blocking.onOwnThread { try standby.start() }
        let logger = Logger(label: "replica-test")
        let primary = try DatabasePool(url: primaryCluster.postgres.connectionURL, size: 2, logger: logger)
        // A wide bound: on a loaded machine seconds pass between a check and the reads that
        // follow, and a replica whose proof of freshness expired would be left for the primary
        // by the lag rule rather than for the reason each step tests (the bound itself is
        // tested below with a pinned clock).
        let replica = try ReadReplica(
            configuration: .init(url: standby.connectionURL, size: 2, maximumLag: .seconds(300)), primary: primary,
            logger: logger)
        @Sendable func whereRead(_ user: Int64? = nil) async throws -> String {
            try await replica.read(for: user) { connection in
                try connection.query("SELECT pg_is_in_recovery() AS standby")[0]["standby", as: Bool.self]
                    ? "replica" : "primary"
            }
        }
        // Never checked: the primary.
        #expect(try await whereRead() == "primary")
        #expect(replica.report.state == "unknown")

        try await primary.execute("CREATE TABLE marks (v int); INSERT INTO marks VALUES (1)")
        try await awaitCondition(bound: .seconds(60), interval: .milliseconds(100), "the replica catches up") {
            await replica.check()
            return replica.report.state == "streaming"
        }
        #expect(try await whereRead() == "replica")
        // The table made on the primary is there: the replica streams.
        let count = try await replica.read { try $0.query("SELECT count(*) AS n FROM marks")[0]["n", as: Int64.self] }
        #expect(count == 1)
        // A reader who just wrote reads the primary; another reader does not.
        replica.noteWrite(by: 7)
        #expect(try await whereRead(7) == "primary")
        #expect(try await whereRead(8) == "replica")

        // Stopped: the read in flight goes to the primary, fails nothing, and marks it down.
        try await Blocking.onOwnThread { try standby.stop() }
        #expect(try await whereRead() == "primary")
        #expect(replica.report.state == "down")
        await replica.check()
        #expect(replica.report.state == "down")
        #expect(!replica.isServingReads)

        // Back: served again once a check proves it fresh.
        try await Blocking.onOwnThread { try standby.start() }
        try await awaitCondition(bound: .seconds(60), interval: .milliseconds(100), "the replica is back") {
            await replica.check()
            return replica.report.state == "streaming"
        }
        #expect(try await whereRead() == "replica")

        // Behind: replay paused, the primary writes. A replica judged afresh whose first
        // sample was taken 10 s ago (pinned) covers at most that sample: past the 5 s bound.
        try await replica.replica.execute("SELECT pg_wal_replay_pause()")
        let judged = try ReadReplica(
            configuration: .init(url: standby.connectionURL, size: 1, maximumLag: .seconds(5)), primary: primary,
            logger: logger)
        let past = ContinuousClock.now - .seconds(10)
        await judged.check(now: { past })
        try await primary.execute("INSERT INTO marks VALUES (2); SELECT pg_switch_wal()")
        await judged.check()
        #expect(judged.report.state == "behind")
        // Nil when even the first sample was past the paused replay.
        #expect(judged.report.lagSeconds.map { $0 >= 10 } ?? true)
        #expect((judged.report.bytesBehind ?? 0) > 0)
        #expect(!judged.isServingReads)
        let reads = try await judged.read { try $0.query("SELECT pg_is_in_recovery() AS r")[0]["r", as: Bool.self] }
        #expect(reads == false)
        try await replica.replica.execute("SELECT pg_wal_replay_resume()")
        try await awaitCondition(bound: .seconds(60), interval: .milliseconds(100), "replay resumes") {
            await judged.check()
            return judged.report.state == "streaming"
        }
        #expect(judged.isServingReads)
        await judged.close()
        await replica.close()
        await primary.close()
        try await primaryCluster.stop()
    }
}
