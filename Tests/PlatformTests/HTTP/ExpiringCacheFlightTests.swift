import Synchronization
import Testing

@testable import Platform

/// Misses of one key while its load runs wait for that load instead of loading again, unless
/// the key's group was invalidated since the load began, the load failed, or the cache is off.
@Suite("Expiring cache: one load per missed key")
struct ExpiringCacheFlightTests {
    /// Holds loads until opened.
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state in
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
        }

        func open() {
            let waiters = state.withLock { state in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    struct Failed: Error {}

    /// Counts loads from any thread.
    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        func add() { count.add(1, ordering: .relaxed) }
    }

    /// A load of `value` that counts its calls in `calls`, says it started, then waits for `gate`.
    static func load(
        _ value: Int, calls: Counter, started: Flag? = nil, gate: Gate? = nil, fails: Bool = false
    ) -> @Sendable () async throws -> Int {
        {
            calls.add()
            started?.set()
            await gate?.wait()
            if fails { throw Failed() }
            return value
        }
    }

    @Test("concurrent misses of a key share one load, and its value is kept")
    func sharedLoad() async throws {
        let cache = ExpiringCache<String, Int, Int>(timeToLive: .seconds(3600), capacity: 8)
        let leaderCalls = Counter()
        let followerCalls = Counter()
        let started = Flag()
        let gate = Gate()
        async let first = cache.value(for: "a", group: 1, load: Self.load(7, calls: leaderCalls, started: started, gate: gate))
        try await awaitCondition("the first load started") { started.isSet }
        async let second = cache.value(for: "a", group: 1, load: Self.load(8, calls: followerCalls))
        async let third = cache.value(for: "a", group: 1, load: Self.load(9, calls: followerCalls))
        try await awaitCondition("two misses wait") { cache.waiting(for: "a") == 2 }
        gate.open()
        #expect(try await [first, second, third] == [7, 7, 7])
        #expect(leaderCalls.value == 1)
        #expect(followerCalls.value == 0)
        #expect(cache.value(for: "a") == 7)
    }

    @Test("a miss after the group's invalidation loads afresh; a failed load lets each waiter load")
    func invalidationAndFailure() async throws {
        let cache = ExpiringCache<String, Int, Int>(timeToLive: .seconds(3600), capacity: 8)
        let calls = Counter()
        let started = Flag()
        let gate = Gate()
        async let stale = cache.value(for: "a", group: 1, load: Self.load(7, calls: calls, started: started, gate: gate))
        try await awaitCondition("the first load started") { started.isSet }
        cache.invalidate(1)
        // Not joined: the write that invalidated the group may postdate what the first load read.
        let fresh = try await cache.value(for: "a", group: 1, load: Self.load(8, calls: calls))
        #expect(fresh == 8)
        gate.open()
        #expect(try await stale == 7)
        #expect(calls.value == 2)
        #expect(cache.value(for: "a") == 8)

        let failing = Flag()
        let failGate = Gate()
        async let failed = cache.value(for: "b", group: 2, load: Self.load(1, calls: calls, started: failing, gate: failGate, fails: true))
        try await awaitCondition("the failing load started") { failing.isSet }
        async let waiter = cache.value(for: "b", group: 2, load: Self.load(5, calls: calls))
        try await awaitCondition("a miss waits") { cache.waiting(for: "b") == 1 }
        failGate.open()
        do {
            _ = try await failed
            Issue.record("the failing load's caller gets its error")
        } catch {
            #expect(error is Failed)
        }
        #expect(try await waiter == 5)
    }

    @Test("with a lifetime of zero every miss loads for itself")
    func cacheOff() async throws {
        let cache = ExpiringCache<String, Int, Int>(timeToLive: .zero, capacity: 8)
        let calls = Counter()
        let started = Flag()
        let gate = Gate()
        async let first = cache.value(for: "a", group: 1, load: Self.load(7, calls: calls, started: started, gate: gate))
        try await awaitCondition("the first load started") { started.isSet }
        // Runs to its end while the first load is held: it did not wait for it.
        #expect(try await cache.value(for: "a", group: 1, load: Self.load(8, calls: calls)) == 8)
        gate.open()
        #expect(try await first == 7)
        #expect(calls.value == 2)
    }
}
