import Platform
import ServiceLifecycle

/// Runs the queue's workers as a service: on graceful shutdown they stop claiming, finish
/// within the grace period, and release what is left.
struct QueueService: Service {
    let runner: QueueRunner

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await runner.run()
        } onGracefulShutdown: {
            runner.shutdown()
        }
    }
}

/// Runs the queue's maintenance (rescuer of expired leases, retention cleaner) until graceful
/// shutdown. Every daemon runs it; SKIP LOCKED keeps them from doing the same work twice.
struct QueueMaintenanceService: Service {
    let rescuer: JobRescuer
    let cleaner: JobCleaner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await rescuer.run() }
                group.addTask { await cleaner.run() }
            }
        }
    }
}

/// Deletes expired sessions and forgotten log-in failures until graceful shutdown. Every
/// daemon runs it; the deletes only split the work between them.
struct SessionSweeperService: Service {
    let sweeper: SessionSweeper

    func run() async throws {
        await cancelWhenGracefulShutdown { await sweeper.run() }
    }
}
