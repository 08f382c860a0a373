import Foundation
import Synchronization
import Testing

@testable import Platform

@Suite("bcrypt pool and token buckets")
struct BcryptPoolTests {
    @Test("at most `threads` jobs run at once, and a full queue is 429 busy")
    func bounded() async throws {
        let pool = BcryptPool(threads: 2, maximumWaiting: 3)
        let running = Concurrency()
        let started = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        @Sendable func job() async throws {
            try await pool.run {
                running.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                started.continuation.yield()
                release.wait()
                running.state.withLock { $0.now -= 1 }
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        // Two jobs start and block their two threads...
        let first = [Task { try await job() }, Task { try await job() }]
        _ = await iterator.next()
        _ = await iterator.next()
        // ...three more fill the queue of three, and a sixth is refused.
        let queued = (0..<3).map { _ in Task { try await job() } }
        await Self.waitUntil { pool.waitingCount == 3 }
        await #expect(throws: BcryptPool.busy) { try await pool.run { 0 } }
        for _ in 0..<5 { release.signal() }
        for task in first + queued { try await task.value }
        #expect(running.state.withLock { $0.most } == 2)
        #expect(try await pool.run { 41 + 1 } == 42)
    }

    @Test("a bucket refills at its rate: the clock is a parameter")
    func bucketRefill() throws {
        let limiter = RateLimiter(configuration: HTTPConfiguration(
            mediaSniffer: MediaSniffer(length: 0) { _ in nil }, maximumPhotoBytes: 1, maximumVideoBytes: 1,
            followLimit: RateLimit(burst: 2, perMinute: 60)))
        let start = ContinuousClock.now
        try limiter.take(.follow, userID: 1, now: start)
        try limiter.take(.follow, userID: 1, now: start)
        #expect(throws: SocialError.self) { try limiter.take(.follow, userID: 1, now: start) }
        try limiter.take(.follow, userID: 2, now: start)  // another user's bucket
        #expect(throws: SocialError.self) { try limiter.take(.follow, userID: 1, now: start + .milliseconds(900)) }
        try limiter.take(.follow, userID: 1, now: start + .milliseconds(1100))  // one token a second
    }

    /// Yields until `condition` holds (the pool's queue is filled by other tasks).
    static func waitUntil(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }
}

/// Jobs running now and the most that ever ran at once.
final class Concurrency: Sendable {
    let state = Mutex((now: 0, most: 0))
}
