import Synchronization

/// Cancellation of one pool job, set from a task's cancellation handler and read on the
/// connection's thread. `wake`, when set, interrupts a `poll()` the job is blocked in.
final class JobCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    let wake: WakeSignal?

    init(wake: WakeSignal? = nil) {
        self.wake = wake
    }

    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    func cancel() {
        flag.store(true, ordering: .releasing)
        wake?.signal()
    }
}
