import Logging
import Platform
import ServiceLifecycle

/// Checks the database every few seconds and logs when it goes away and comes back, so an
/// operator sees an outage in the daemon's log the moment it starts, not at the next job.
struct DatabaseMonitor: Service {
    let pool: DatabasePool
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        var reachable = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await pool.query("SELECT 1")
                if !reachable { logger.notice("database reachable again") }
                reachable = true
            } catch {
                if reachable { logger.error("database unreachable: \(error)") }
                reachable = false
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
