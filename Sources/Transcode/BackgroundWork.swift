import Dispatch
import Foundation
import Synchronization

/// Work started on another thread now and collected later, so it overlaps the encode instead
/// of following it: the input's SHA-256, and the poster's renditions once the poster is chosen.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, TranscodeError>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `body` on a thread of its own. Not a Dispatch global queue: its few threads may
    /// all be busy or blocked (a caller on `concurrentPerform` waiting for this very work),
    /// and then the work would not start until the pool noticed and grew.
    init(_ body: @escaping @Sendable () throws(TranscodeError) -> Value) {
        let thread = Thread { [self] in
            let result: Result<Value, TranscodeError>
            do throws(TranscodeError) {
                result = .success(try body())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.name = "background-work"
        thread.start()
    }

    /// Waits for the work; its value, or the error it threw. May be called more than once.
    func value() throws(TranscodeError) -> Value {
        finished.wait()
        finished.signal()
        return try outcome.withLock { $0! }.get()
    }

    /// Waits for the work, ignoring its outcome (before removing what it may be writing into).
    func wait() {
        finished.wait()
        finished.signal()
    }
}
