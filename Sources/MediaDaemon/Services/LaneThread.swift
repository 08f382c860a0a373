import Dispatch
import Synchronization

/// Async work run from a job handler. Handlers run on the queue's lane threads, which are
/// dedicated threads and never the cooperative pool, so blocking one while a task runs
/// starves nothing.
enum LaneThread {
    /// Runs `work` in a task and blocks the calling lane thread until it returns or throws.
    /// Never call it from async code: it would hold a cooperative thread.
    static func wait<Value: Sendable>(for work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let outcome = TaskOutcome<Value>()
        Task {
            do { outcome.finish(.success(try await work())) } catch { outcome.finish(.failure(error)) }
        }
        return try outcome.wait()
    }
}

/// A task's result handed to the thread waiting for it: the mutex owns the value, the
/// semaphore says when it is there.
private final class TaskOutcome<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ value: Result<Value, any Error>) {
        result.withLock { $0 = value }
        done.signal()
    }

    func wait() throws -> Value {
        done.wait()
        // `finish` stored a result before signalling, so the nil case cannot happen.
        guard let value = result.withLock({ $0 }) else { preconditionFailure("signalled without a result") }
        return try value.get()
    }
}
