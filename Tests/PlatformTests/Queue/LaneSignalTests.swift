import Foundation
import Synchronization
import Testing

@testable import Platform

/// The lane's wake-ups: one NOTIFY wakes one idle thread, and a wake-up that arrives while no
/// thread waits is kept for the next one rather than lost.
@Suite("Queue: lane signal")
struct LaneSignalTests {
    @Test func aWakeUpBeforeTheWaitIsNotLost() {
        let signal = LaneSignal()
        let generation = signal.current
        signal.wakeOne()
        let start = ContinuousClock.now
        // Returns at once: the timeout is far beyond anything a loaded machine adds.
        signal.wait(unchangedFrom: generation, timeout: .seconds(60))
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func oneWakeUpWakesOneOfSeveralWaitingThreads() async throws {
        let signal = LaneSignal()
        let generation = signal.current
        let woken = WakeCount()
        let exited = Countdown(4)
        for _ in 0..<4 {
            Thread {
                // Far longer than the test: a waiter that times out would count as woken (a
                // starved test task once took 76 s to get from wakeOne() to its check).
                signal.wait(unchangedFrom: generation, timeout: .seconds(3600))
                woken.value.add(1, ordering: .relaxed)
                exited.countDown()
            }.start()
        }
        // Until every thread is blocked in wait (the bound only fails the test).
        try await Self.until { signal.waiters == 4 }
        signal.wakeOne()
        try await Self.until { woken.value.load(ordering: .relaxed) >= 1 }
        // One thread left the wait; the other three are still in it.
        #expect(signal.waiters == 3)
        #expect(woken.value.load(ordering: .relaxed) == 1)
        // A lane-wide wake-up (shutdown) releases the rest.
        signal.wake()
        try await exited.wait()
        #expect(woken.value.load(ordering: .relaxed) == 4)
    }
}

extension LaneSignalTests {
    /// Returns once `condition` holds; fails the test after `bound` (a failure bound, not a
    /// delay: the condition is checked every millisecond).
    static func until(bound: Duration = .seconds(60), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + bound
        while !condition() {
            try #require(ContinuousClock.now < deadline, "condition not met within \(bound)")
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

private final class WakeCount: Sendable {
    let value = Atomic<Int>(0)
}
