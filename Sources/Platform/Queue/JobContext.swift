import Synchronization

/// What a running handler can see and say: progress reports and cancellation.
///
/// Thread-safe: the handler's thread reports progress while the runner's heartbeat reads it
/// and sets cancellation.
public final class JobContext: Sendable {
    /// Why a handler should stop.
    public enum CancellationReason: String, Sendable {
        /// An operator cancelled the job (`jobs cancel`); the job ends cancelled.
        case cancelRequested = "cancel_requested"
        /// The lease was lost (rescued after a missed heartbeat, or stalled): the result would
        /// be discarded anyway.
        case leaseLost = "lease_lost"
        /// The process is shutting down and the grace period ran out; the job was released.
        case shutdown
    }

    private struct State {
        var progress: Float?
        var stage: String?
        var cancellation: CancellationReason?
        var handedOver = false
    }

    /// The job being run.
    public let job: Job
    private let state = Mutex(State())

    init(job: Job) {
        self.job = job
    }

    /// Records progress (0…1, clamped) and an optional stage name. Sent with the next
    /// heartbeat; a job whose progress stops changing for the stall timeout is failed as
    /// `stalled`.
    public func reportProgress(_ fraction: Double, stage: String? = nil) {
        let clamped = Float(min(max(fraction, 0), 1))
        state.withLock {
            $0.progress = clamped
            if let stage { $0.stage = stage }
        }
    }

    /// True once the handler should stop: check it between steps.
    public var isCancelled: Bool { cancellationReason != nil }

    /// Why the handler should stop, or nil.
    public var cancellationReason: CancellationReason? { state.withLock { $0.cancellation } }

    /// Throws a `JobFailure` with code `cancelled` when the handler should stop.
    public func checkCancellation() throws {
        if let reason = cancellationReason {
            throw JobFailure.transient("cancelled", "stopped: \(reason.rawValue)")
        }
    }

    /// The last progress report, for the heartbeat.
    var progress: (fraction: Float?, stage: String?) {
        state.withLock { ($0.progress, $0.stage) }
    }

    /// True once the handler has returned and its completion was handed to the completer: the
    /// job has run, so shutdown must let its completion be recorded rather than release it.
    var isHandedOver: Bool { state.withLock { $0.handedOver } }

    func markHandedOver() {
        state.withLock { $0.handedOver = true }
    }

    /// Asks the handler to stop. The first reason wins.
    func cancel(_ reason: CancellationReason) {
        state.withLock { if $0.cancellation == nil { $0.cancellation = reason } }
    }
}
