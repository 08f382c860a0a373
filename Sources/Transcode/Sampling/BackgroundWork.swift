import Foundation
import Synchronization

/// One piece of work running on its own thread while the caller goes on; ``wait()`` joins it.
///
/// The poster's photo renditions and hashes only need the chosen frame, so they run beside
/// the encodes instead of after them.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, TranscodeError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `work` on a new thread named `name`.
    init(name: String, _ work: @escaping @Sendable () throws(TranscodeError) -> Value) {
        let thread = Thread { [self] in
            let result = Result { () throws(TranscodeError) -> Value in try work() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Blocks until the work has finished; its value, or the error it threw. May be called again.
    func wait() throws(TranscodeError) -> Value {
        done.wait()
        done.signal()
        guard let result = outcome.withLock({ $0 }) else {
            throw TranscodeError(.internal, "background work finished without a result")
        }
        return try result.get()
    }
}
