import Synchronization

/// Cancellation of one pool job, set from a task's cancellation handler and read on the
/// connection's thread. `wake`, when set, interrupts a `poll()` the job is blocked in; while a
/// canceller is attached (the job is running), the server is asked to cancel its statement.
final class JobCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    private let canceller = Mutex<QueryCanceller?>(nil)
    let wake: WakeSignal?

    init(wake: WakeSignal? = nil) {
        self.wake = wake
    }

    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    func cancel() {
        flag.store(true, ordering: .releasing)
        wake?.signal()
        canceller.withLock { $0?.send() }
    }

    /// Lets `cancel()` reach the running statement. Attach before checking `isCancelled`, so
    /// a cancellation is either seen by that check or sent to the server.
    func attach(_ queryCanceller: QueryCanceller?) {
        canceller.withLock { $0 = queryCanceller }
    }

    /// Stops `cancel()` from reaching the connection, which may go on to serve another job.
    /// Waits for a cancel request in flight to finish.
    func detach() {
        canceller.withLock { $0 = nil }
    }
}
