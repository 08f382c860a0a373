import Foundation
import Logging
import Testing

@testable import Platform

/// These stop and restart a server, so each uses a cluster of its own.
@Suite("Reconnecting after a server restart", .serialized)
struct ReconnectTests {
    @Test func thePoolReconnectsAfterTheServerRestarts() async throws {
        let cluster = try await TestCluster.start()
        let capture = LogCapture()
        let pool = try DatabasePool(
            configuration: .init(url: cluster.postgres.connectionURL, size: 2, reconnectTimeout: .milliseconds(500)),
            logger: capture.logger)
        let before = try await pool.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0)

        try await cluster.stop()
        let whileDown = await #expect(throws: DatabaseError.self) { try await pool.query("SELECT 1") }
        #expect(whileDown?.code == .connectionFailed)
        #expect(whileDown?.isTransient == true)

        try await cluster.restart()
        let after = try await pool.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0)
        #expect(after != before)
        await pool.close()
        try await cluster.stop()
    }

    @Test func anIdleConnectionBrokenByARestartIsReplacedBeforeUse() async throws {
        let cluster = try await TestCluster.start()
        let capture = LogCapture()
        let pool = try DatabasePool(url: cluster.postgres.connectionURL, size: 1, logger: capture.logger)
        #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)

        try await cluster.stop()
        try await cluster.restart()
        // The first call after the restart succeeds: the dead connection is noticed and replaced.
        #expect(try await pool.query("SELECT 2")[0].decode(Int.self, at: 0) == 2)
        #expect(capture.messages.contains { $0.message.contains("discarding a broken database connection") })
        await pool.close()
        try await cluster.stop()
    }

    @Test func aConnectionLostMidQueryIsReportedAsTransient() async throws {
        let cluster = try await TestCluster.start()
        let pool = try DatabasePool(url: cluster.postgres.connectionURL, size: 2, logger: Logger(label: "test"))
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let sleeper = Task {
            try await pool.withConnection { connection in
                signal.yield()
                return try connection.query("SELECT pg_sleep(30)")
            }
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        // Terminate whichever backend is sleeping.
        try await pool.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND pid <> pg_backend_pid()")
        let error = await #expect(throws: DatabaseError.self) { try await sleeper.value }
        #expect(error?.code == .connectionLost)
        #expect(error?.isTransient == true)
        // Both connections are usable again.
        for _ in 0..<4 { #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1) }
        await pool.close()
        try await cluster.stop()
    }

    @Test func theListenerReconnectsAndListensAgain() async throws {
        let cluster = try await TestCluster.start()
        let url = cluster.postgres.connectionURL
        let listener = try await DatabaseListener(url: url, channels: ["jobs"], logger: Logger(label: "test"))
        let pool = try DatabasePool(url: url, size: 1, logger: Logger(label: "test"))
        #expect(listener.interruptions == 0)
        let waiter = Task { try await listener.next(timeout: .seconds(30)) }

        try await cluster.stop()
        try await cluster.restart()
        // Notifications sent before the listener is back are lost by design: keep sending until
        // one arrives.
        let notification = try await withThrowingTaskGroup(of: PostgresNotification?.self) { group in
            group.addTask { try await waiter.value }
            group.addTask {
                var attempt = 0
                while !Task.isCancelled {
                    try await pool.query("SELECT pg_notify('jobs', $1)", ["after restart \(attempt)"])
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        #expect(notification?.payload.hasPrefix("after restart") == true)
        #expect(listener.interruptions == 1)
        await listener.close()
        await pool.close()
        try await cluster.stop()
    }

    @Test func aDispatchReconnectsAndReportsTheInterruption() async throws {
        let cluster = try await TestCluster.start()
        let url = cluster.postgres.connectionURL
        let listener = try await DatabaseListener(url: url, channels: ["jobs"], logger: Logger(label: "test"))
        let pool = try DatabasePool(url: url, size: 1, logger: Logger(label: "test"))
        let (events, continuation) = AsyncStream.makeStream(of: String.self)
        let dispatcher = Task {
            try await listener.dispatch({ continuation.yield($0.payload) }, afterInterruption: { continuation.yield("interrupted") })
        }
        try await pool.query("SELECT pg_notify('jobs', 'before')")
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == "before")

        try await cluster.stop()
        try await cluster.restart()
        // Keep sending until the listener is back; the interruption is reported before any
        // notification that arrives on the new connection.
        let sender = Task {
            var attempt = 0
            while !Task.isCancelled {
                _ = try? await pool.query("SELECT pg_notify('jobs', $1)", ["after restart \(attempt)"])
                attempt += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(await iterator.next() == "interrupted")
        #expect(await iterator.next()?.hasPrefix("after restart") == true)
        #expect(listener.interruptions == 1)
        sender.cancel()
        dispatcher.cancel()
        _ = await dispatcher.result
        await listener.close()
        await pool.close()
        try await cluster.stop()
    }
}
