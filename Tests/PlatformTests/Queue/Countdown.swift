import Synchronization

/// An async latch: `wait` returns once `countDown()` has been called `count` times.
final class Countdown: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(_ count: Int) {
        state = Mutex(State(remaining: count))
    }

    func countDown() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.remaining -= 1
            guard state.remaining == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in ready { waiter.resume() }
    }

    var isDone: Bool { state.withLock { $0.remaining <= 0 } }

    /// Waits for the count to reach zero; throws when `timeout` (a safety net, not a
    /// measurement) passes first.
    func wait(timeout: Duration = .seconds(60)) async throws {
        let done = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { state -> Bool in
                        if state.remaining <= 0 { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first {
                // Let the waiting child finish so the group can end.
                let waiters = state.withLock { state in
                    defer { state.waiters.removeAll() }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
                return isDone
            }
            return true
        }
        guard done else { throw CountdownTimeout() }
    }
}

struct CountdownTimeout: Error {}
