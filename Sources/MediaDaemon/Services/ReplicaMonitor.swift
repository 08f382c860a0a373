import Platform
import ServiceLifecycle

/// Runs the read replica's check every `checkInterval` until shutdown, then closes its pool.
/// No leader: every daemon judges the replica for its own reads.
struct ReplicaMonitor: Service {
    let replica: ReadReplica

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await replica.check()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: replica.configuration.checkInterval) }
            } catch {
                break
            }
        }
        await replica.close()
    }
}
