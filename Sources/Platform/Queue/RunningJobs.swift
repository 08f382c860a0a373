import Synchronization

/// The jobs a runner's threads are executing right now, for the heartbeat and for shutdown.
final class RunningJobs: Sendable {
    private let contexts = Mutex<[Int64: JobContext]>([:])

    func insert(_ context: JobContext) {
        contexts.withLock { $0[context.job.id] = context }
    }

    func remove(_ context: JobContext) {
        contexts.withLock { _ = $0.removeValue(forKey: context.job.id) }
    }

    var snapshot: [JobContext] {
        contexts.withLock { Array($0.values) }
    }
}
