import Foundation

/// Wakes a lane's idle threads when work may have arrived (a NOTIFY, a shutdown).
///
/// A generation counter makes wake-ups impossible to miss: a thread reads the generation
/// before it claims, and if the claim found nothing it sleeps only while the generation is
/// unchanged, so a NOTIFY that arrived during the claim ends the wait at once.
///
/// `@unchecked Sendable`: NSCondition is not marked Sendable, but every access to it and to
/// `generation` happens with the condition's lock held.
final class LaneSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    /// The current generation, to pass to `wait(unchangedFrom:timeout:)`.
    var current: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// Wakes every thread waiting on this lane.
    func wake() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until `wake()` is called after `generation` was read, or `timeout` passes.
    func wait(unchangedFrom observed: UInt64, timeout: Duration) {
        let deadline = Date(timeIntervalSinceNow: timeout.queueSeconds)
        condition.lock()
        defer { condition.unlock() }
        while generation == observed {
            if !condition.wait(until: deadline) { return }
        }
    }
}
