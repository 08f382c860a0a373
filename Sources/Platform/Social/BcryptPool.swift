import Foundation
import Synchronization

/// bcrypt's own threads: at most `threads` hashes at once, at most `maximumWaiting` queued,
/// so a flood of log-ins neither holds the cooperative pool nor the dispatch threads the store
/// reads run on. Threads start when work arrives and end when the queue is empty.
final class BcryptPool: Sendable {
    private struct State {
        var waiting: [@Sendable () -> Void] = []
        var running = 0
    }

    let threads: Int
    let maximumWaiting: Int
    private let state = Mutex(State())

    /// `threads` and `maximumWaiting` are at least 1.
    init(threads: Int, maximumWaiting: Int) {
        self.threads = max(1, threads)
        self.maximumWaiting = max(1, maximumWaiting)
    }

    /// Runs `work` on one of the pool's threads; throws 429 `busy` when the queue is full.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job: @Sendable () -> Void = { continuation.resume(returning: work()) }
            let spawn = state.withLock { state -> Bool? in
                guard state.waiting.count < maximumWaiting else { return nil }
                state.waiting.append(job)
                guard state.running < threads else { return false }
                state.running += 1
                return true
            }
            switch spawn {
            case nil: continuation.resume(throwing: Self.busy)
            case true?: Thread.detachNewThread { self.drain() }
            case false?: break
            }
        }
    }

    /// Jobs queued and not yet started.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    private func drain() {
        while let job = state.withLock({ state -> (@Sendable () -> Void)? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }) {
            job()
        }
    }

    static let busy = SocialError(.rateLimited(retryAfterSeconds: 1), "busy", "too many log-ins at once; try again")
}
