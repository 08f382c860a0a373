import Platform
import ServiceLifecycle

/// Runs the queue's workers as a service: on graceful shutdown they stop claiming, finish
/// within the grace period, and release what is left.
struct QueueService: Service {
    let runner: QueueRunner
    /// The media worker children, retired once the lanes have stopped.
    var workers: WorkerPool? = nil

    func run() async throws {
        defer { workers?.shutdown() }
        try await withGracefulShutdownHandler {
            try await runner.run()
        } onGracefulShutdown: {
            runner.shutdown()
        }
    }
}

/// Runs the maintenance (rescuer of expired leases, retention cleaner, the media reconciler,
/// the sweep of unheld originals, the sweep of files a killed process left and, for an S3 store,
/// of multipart uploads it left) until graceful
/// shutdown. Every daemon runs it; SKIP LOCKED and try-locks keep them from doing the same
/// work twice, the leftover sweeper's minimum age from removing another daemon's files in flight.
struct QueueMaintenanceService: Service {
    let rescuer: JobRescuer
    let cleaner: JobCleaner
    let reconciler: MediaReconciler
    let originals: OriginalSweeper
    let leftovers: LeftoverSweeper
    /// The S3 store's abort sweep of abandoned multipart uploads (nil for a file-system store).
    var uploads: UploadSweeper? = nil

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await rescuer.run() }
                group.addTask { await cleaner.run() }
                group.addTask { await reconciler.run() }
                group.addTask { await originals.run() }
                group.addTask { await leftovers.run() }
                if let uploads { group.addTask { await uploads.run() } }
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
