import Foundation

/// Wakes a lane's idle threads when work may have arrived (a NOTIFY, a shutdown).
///
/// A generation counter makes wake-ups impossible to miss: a thread reads the generation
/// before it claims, and if the claim found nothing it sleeps only while the generation is
/// unchanged and no wake-up is pending, so a NOTIFY that arrived during the claim ends the
/// wait at once.
///
/// A NOTIFY wakes one thread (`wakeOne()`), not the whole lane: on a small machine a herd of
/// threads racing to claim the same new job delays the one that wins. A thread whose claim
/// came back full passes the wake-up on, so a large batch still spreads over every thread.
///
/// `@unchecked Sendable`: NSCondition is not marked Sendable, but every access to it, to
/// `generation` and to `pending` happens with the condition's lock held.
final class LaneSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0
    /// A single-thread wake-up no waiting thread has taken yet (at most one is kept: the
    /// thread that takes it claims everything due, and passes it on when there is more).
    private var pending = false
    /// Threads inside `wait` now.
    private var waiting = 0

    /// How many threads are blocked in `wait` now: tests await it instead of sleeping until
    /// their threads have reached the wait.
    var waiters: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }

    /// The current generation, to pass to `wait(unchangedFrom:timeout:)`.
    var current: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// Wakes every thread waiting on this lane (shutdown, a reconnected listener).
    func wake() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes one waiting thread, or the next thread that is about to wait.
    func wakeOne() {
        condition.lock()
        pending = true
        condition.signal()
        condition.unlock()
    }

    /// Blocks until `wake()` is called after `generation` was read, a `wakeOne()` is taken, or
    /// `timeout` passes.
    func wait(unchangedFrom observed: UInt64, timeout: Duration) {
        let deadline = Date(timeIntervalSinceNow: timeout.queueSeconds)
        condition.lock()
        waiting += 1
        defer {
            waiting -= 1
            condition.unlock()
        }
        while generation == observed {
            if pending {
                pending = false
                return
            }
            if !condition.wait(until: deadline) { return }
        }
    }
}
