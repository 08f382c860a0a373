import Platform

/// What a worker job reports to and hears from whoever runs it: the queue's `JobContext` in
/// `serve`, a `LocalJobContext` in `process --isolated`.
protocol WorkerJobContext: Sendable {
    /// True once the job should stop (an ordered stop: never the input's fault).
    var isCancelled: Bool { get }
    /// Records progress (0…1) and a stage name.
    func reportProgress(_ fraction: Double, stage: String?)
    /// Throws the cancellation's failure when the job should stop.
    func checkCancellation() throws
}

extension JobContext: WorkerJobContext {}

/// A job context with no queue behind it (`process --isolated`): never cancelled, progress dropped.
struct LocalJobContext: WorkerJobContext {
    var isCancelled: Bool { false }
    func reportProgress(_ fraction: Double, stage: String?) {}
    func checkCancellation() throws {}
}
