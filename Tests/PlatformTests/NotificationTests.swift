import Foundation
import Logging
import Testing

@testable import Platform

@Suite("LISTEN/NOTIFY")
struct NotificationTests {
    let url: String
    let pool: DatabasePool

    init() async throws {
        url = try await TestCluster.shared().makeDatabase()
        pool = try DatabasePool(url: url, size: 1, logger: Logger(label: "test"))
    }

    @Test func eachNotificationWakesAListenerAlreadyWaitingForIt() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["jobs"], logger: Logger(label: "test"))
        var latencies: [Duration] = []
        var received: [String] = []
        for round in 0..<10 {
            let waiter = Task { try await listener.next(timeout: .seconds(60)) }
            // Sent only once the wait is on the connection, so it is the NOTIFY that ends it.
            try await awaitCondition("the listener waits") { listener.waiting == 1 }
            let sent = ContinuousClock.now
            try await pool.query("SELECT pg_notify($1, $2)", ["jobs", "round \(round)"])
            let notification = try #require(try await waiter.value)
            latencies.append(ContinuousClock.now - sent)
            #expect(notification.channel == "jobs")
            received.append(notification.payload)
        }
        let median = latencies.sorted()[latencies.count / 2]
        print("NOTIFY to listener wake-up (including the pg_notify round trip): median \(median), max \(latencies.max() ?? .zero)")
        #expect(received == (0..<10).map { "round \($0)" })
        #expect(listener.waiting == 0)
        await listener.close()
    }

    @Test func notificationsCarryTheSenderAndArriveInOrderOnlyAfterCommit() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["a", "MixedCase"], logger: Logger(label: "test"))
        let sender = try await pool.withConnection { $0.backendProcessID }
        try await pool.transaction { connection in
            try connection.notify("a", payload: "first")
            try connection.notify("MixedCase", payload: "second ✓")
        }
        await #expect(throws: (any Error).self) {
            try await pool.transaction { connection in
                try connection.notify("a", payload: "rolled back")
                throw DatabaseError(.cancelled, "abort")
            }
        }
        try await pool.withConnection { try $0.notify("a") }
        let received = try await [listener.next(timeout: .seconds(60)), listener.next(timeout: .seconds(60)),
                                  listener.next(timeout: .seconds(60))]
        #expect(received.map { $0?.payload } == ["first", "second ✓", ""])
        #expect(received.map { $0?.channel } == ["a", "MixedCase", "a"])
        #expect(received.allSatisfy { $0?.senderProcessID == sender })
        #expect(try await listener.next(timeout: .milliseconds(100)) == nil)
        await listener.close()
    }

    @Test func aWaitTimesOutWithNil() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["quiet"], logger: Logger(label: "test"))
        let start = ContinuousClock.now
        #expect(try await listener.next(timeout: .milliseconds(200)) == nil)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(200))
        #expect(elapsed < .seconds(20))
        await listener.close()
    }

    @Test func aLongWaitEndsPromptlyWhenItsTaskIsCancelled() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["quiet"], logger: Logger(label: "test"))
        let waiter = Task { try await listener.next(timeout: .seconds(60)) }
        // Cancel only once the wait is on the connection, so the cancellation has to reach it there.
        try await awaitCondition("the listener waits") { listener.waiting == 1 }
        let cancelled = ContinuousClock.now
        waiter.cancel()
        let error = await #expect(throws: DatabaseError.self) { try await waiter.value }
        #expect(error?.code == .cancelled)
        // Far below the 60 s the wait would otherwise last, with room for a loaded CI machine.
        #expect(ContinuousClock.now - cancelled < .seconds(20))
        // The listener still works after a cancelled wait.
        try await pool.query("SELECT pg_notify('quiet', 'after')")
        #expect(try await listener.next(timeout: .seconds(60))?.payload == "after")
        await listener.close()
    }

    @Test func closingTheListenerEndsAWaitInProgress() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["quiet"], logger: Logger(label: "test"))
        let waiter = Task { try await listener.next(timeout: .seconds(60)) }
        try await awaitCondition("the listener waits") { listener.waiting == 1 }
        let start = ContinuousClock.now
        await listener.close()
        let error = await #expect(throws: DatabaseError.self) { try await waiter.value }
        #expect(error?.code == .poolClosed)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func dispatchHandsEachNotificationToTheHandlerUntilItsTaskIsCancelled() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["dispatch"], logger: Logger(label: "test"))
        let (received, continuation) = AsyncStream.makeStream(of: String.self)
        let dispatcher = Task {
            try await listener.dispatch({ continuation.yield($0.payload) }, afterInterruption: { continuation.yield("interrupted") })
        }
        for payload in ["1", "two", "drei ✓"] { try await pool.query("SELECT pg_notify('dispatch', $1)", [payload]) }
        var payloads: [String] = []
        for await payload in received {
            payloads.append(payload)
            if payloads.count == 3 { break }
        }
        #expect(payloads == ["1", "two", "drei ✓"])
        dispatcher.cancel()
        let error = await #expect(throws: DatabaseError.self) { try await dispatcher.value }
        #expect(error?.code == .cancelled)
        // The listener is still usable after a cancelled dispatch.
        try await pool.query("SELECT pg_notify('dispatch', 'after')")
        #expect(try await listener.next(timeout: .seconds(30))?.payload == "after")
        await listener.close()
    }

    @Test func closingTheListenerEndsADispatch() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["quiet"], logger: Logger(label: "test"))
        let dispatcher = Task { try await listener.dispatch({ _ in }, afterInterruption: {}) }
        try await awaitCondition("the dispatch waits") { listener.waiting == 1 }
        await listener.close()
        let error = await #expect(throws: DatabaseError.self) { try await dispatcher.value }
        #expect(error?.code == .poolClosed)
    }

    @Test func theStreamDeliversNotificationsInOrder() async throws {
        let listener = try await DatabaseListener(url: url, channels: ["stream"], logger: Logger(label: "test"))
        for payload in ["1", "2", "3"] { try await pool.query("SELECT pg_notify('stream', $1)", [payload]) }
        var payloads: [String] = []
        for try await notification in listener.notifications() {
            payloads.append(notification.payload)
            if payloads.count == 3 { break }
        }
        #expect(payloads == ["1", "2", "3"])
        await listener.close()
    }

    @Test(arguments: ["", "1jobs", "jobs-queue", "jobs; DROP TABLE x", "ümlaut", String(repeating: "x", count: 64)])
    func invalidChannelNamesAreRefused(channel: String) async throws {
        let error = await #expect(throws: DatabaseError.self) {
            try await DatabaseListener(url: url, channels: [channel], logger: Logger(label: "test"))
        }
        #expect(error?.code == .invalidConfiguration)
        let connection = try DatabaseConnection(url: url, logger: Logger(label: "test"))
        #expect(throws: DatabaseError.self) { try connection.listen(channel) }
    }

    @Test func aBlockingConnectionCanWaitForNotificationsItself() throws {
        let listener = try DatabaseConnection(url: url, logger: Logger(label: "test"))
        let sender = try DatabaseConnection(url: url, logger: Logger(label: "test"))
        try listener.listen("direct")
        #expect(try listener.waitForNotification(timeout: .milliseconds(50)) == nil)
        try sender.notify("direct", payload: "hi")
        #expect(try listener.waitForNotification(timeout: .seconds(60))?.payload == "hi")
        try listener.unlisten("direct")
        try sender.notify("direct", payload: "ignored")
        #expect(try listener.waitForNotification(timeout: .milliseconds(100)) == nil)
    }
}
