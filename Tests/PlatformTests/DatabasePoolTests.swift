import Foundation
import Logging
import Testing

@testable import Platform

/// The kernel's name for the calling thread.
private func currentThreadName() -> String {
    let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
    return name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
}

@Suite("Pool: threads, concurrency, cancellation, close")
struct DatabasePoolTests {
    @Test func bodiesRunOnTheConnectionThreadsConcurrently() async throws {
        let pool = try await TestCluster.shared().makePool(size: 3)
        let results = try await withThrowingTaskGroup(of: (String, Int32, Date, Date).self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await pool.withConnection { connection in
                        let row = try connection.query(
                            "SELECT clock_timestamp(), pg_sleep(0.3), clock_timestamp()")[0]
                        return (
                            currentThreadName(), connection.backendProcessID,
                            try row.decode(Date.self, at: 0), try row.decode(Date.self, at: 2)
                        )
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.0.hasPrefix("database-") }, "\(results.map(\.0))")
        #expect(Set(results.map(\.1)).count == 3)
        // The three sleeps overlapped: each started before any of them ended.
        let latestStart = try #require(results.map(\.2).max())
        let earliestEnd = try #require(results.map(\.3).min())
        #expect(latestStart < earliestEnd)
        await pool.close()
    }

    @Test func aTransactionLeftOpenIsRolledBackBeforeReuse() async throws {
        let pool = try await TestCluster.shared().makePool(size: 1)
        try await pool.execute("CREATE TABLE t (n int)")
        try await pool.withConnection { connection in
            try connection.execute("BEGIN")
            try connection.query("INSERT INTO t VALUES ($1)", [1])
        }
        let count = try await pool.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0)
        #expect(count == 0)
        await pool.close()
    }

    @Test func poolTransactionRollsBackOnThrow() async throws {
        struct Abort: Error {}
        let pool = try await TestCluster.shared().makePool()
        try await pool.execute("CREATE TABLE t (n int)")
        await #expect(throws: Abort.self) {
            try await pool.transaction { connection in
                try connection.query("INSERT INTO t VALUES ($1)", [1])
                throw Abort()
            }
        }
        try await pool.transaction { try $0.query("INSERT INTO t VALUES ($1)", [2]) }
        let values = try await pool.query("SELECT n FROM t").map { try $0.decode(Int.self, at: 0) }
        #expect(values == [2])
        await pool.close()
    }

    /// Runs a `pg_sleep(seconds)` body on `pool`, returns once the body has started; `finished`
    /// turns true when the body returns.
    private func startSleeping(
        _ pool: DatabasePool, seconds: Double, finished: Flag
    ) async -> Task<Int, any Error> {
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            try await pool.withConnection { connection in
                signal.yield()
                defer { finished.set() }
                return try connection.query("SELECT pg_sleep($1), 5", [seconds])[0].decode(Int.self, at: 1)
            }
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        return task
    }

    @Test func aQueuedJobIsCancelledWhileTheConnectionIsBusy() async throws {
        let pool = try await TestCluster.shared().makePool(size: 1)
        let busyFinished = Flag()
        // Long enough that a loaded machine can't finish it before the checks below.
        let busy = await startSleeping(pool, seconds: 120, finished: busyFinished)
        let queued = Task { try await pool.query("SELECT 1") }
        queued.cancel()
        let error = await #expect(throws: DatabaseError.self) { try await queued.value }
        #expect(error?.code == .cancelled)
        // The cancelled job did not wait for the busy connection.
        #expect(!busyFinished.isSet)
        // Ends the sleep early (cancelling running statements has its own test below).
        busy.cancel()
        _ = try? await busy.value
        await pool.close()
    }

    @Test func cancellingTheTaskCancelsTheRunningStatement() async throws {
        let pool = try await TestCluster.shared().makePool(size: 2)
        let finished = Flag()
        let sleeper = await startSleeping(pool, seconds: 60, finished: finished)
        // The body has started; wait until its statement is running on the server, so the
        // cancellation has to interrupt it rather than prevent it.
        while try await pool.query(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'"
        )[0].decode(Int.self, at: 0) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        let start = ContinuousClock.now
        sleeper.cancel()
        let error = await #expect(throws: DatabaseError.self) { try await sleeper.value }
        #expect(error?.code == .cancelled)
        #expect(error?.sqlState == "57014")
        #expect(ContinuousClock.now - start < .seconds(45))  // the statement would sleep 60 s
        // Both connections still work.
        for _ in 0..<4 { #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1) }
        await pool.close()
    }

    @Test func aCancelledBodyCannotStartMoreStatements() async throws {
        let pool = try await TestCluster.shared().makePool(size: 1)
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let proceed = DispatchSemaphore(value: 0)
        let body = Task {
            try await pool.withConnection { connection in
                signal.yield()
                proceed.wait()  // on the pool's thread, which may block
                return try connection.query("SELECT 1")
            }
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        body.cancel()
        proceed.signal()
        let error = await #expect(throws: DatabaseError.self) { try await body.value }
        #expect(error?.code == .cancelled)
        await pool.close()
    }

    @Test func closeFailsLaterCallsAndWaitsForRunningBodies() async throws {
        let pool = try await TestCluster.shared().makePool(size: 1)
        let finished = Flag()
        let running = await startSleeping(pool, seconds: 0.5, finished: finished)
        await pool.close()
        #expect(finished.isSet)
        #expect(try await running.value == 5)
        let error = await #expect(throws: DatabaseError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .poolClosed)
    }

    @Test func invalidConfigurationIsRejectedUpFront() throws {
        #expect(throws: DatabaseError.self) { try DatabasePool(url: "postgresql://host/db?bogus_option=1", logger: Logger(label: "test")) }
        #expect(throws: DatabaseError.self) { try DatabasePool(url: "dbname=x", size: 0, logger: Logger(label: "test")) }
    }

    @Test func anUnreachableServerFailsAfterTheReconnectTimeout() async throws {
        let configuration = DatabasePool.Configuration(
            url: "postgresql://postgres@/postgres?host=/nonexistent&port=1", size: 1,
            reconnectTimeout: .milliseconds(300), initialBackoff: .milliseconds(20))
        let capture = LogCapture()
        let pool = try DatabasePool(configuration: configuration, logger: capture.logger)
        let start = ContinuousClock.now
        let error = await #expect(throws: DatabaseError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(ContinuousClock.now - start >= .milliseconds(250))
        #expect(capture.messages.filter { $0.message.contains("retrying") }.count >= 3)
        await pool.close()
    }
}
