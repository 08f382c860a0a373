import Logging
import Platform
import ServiceLifecycle

/// Keeps `serve`'s embedded PostgreSQL running: checks every second that its postmaster is
/// alive and, when it is gone (killed, crashed, stopped by hand), starts the cluster again on
/// the same data directory and says so in the log.
///
/// `pg_ctl start` daemonises the server, so its death cannot be awaited; the check is
/// `EmbeddedPostgres.livePostmasterPID()`. A restart right after a kill can fail while the old
/// server's backends still hold its shared memory (they exit once they see the postmaster
/// gone); the next check simply tries again. The pool, the queue's listener and the lanes
/// reconnect on their own once the server accepts connections. Listed first among the
/// services, so it stops last: the others drain against a live database.
struct ClusterSupervisor: Service {
    let cluster: EmbeddedPostgres
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        var postmaster = cluster.livePostmasterPID()
        var outageStarted: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if let pid = cluster.livePostmasterPID() {
                postmaster = pid
                continue
            }
            if outageStarted == nil {
                outageStarted = .now
                logger.error(
                    "embedded PostgreSQL postmaster is gone; restarting the cluster",
                    metadata: ["pid": "\(postmaster.map(String.init) ?? "unknown")", "directory": "\(cluster.directory)"])
            }
            do {
                try await Blocking.onOwnThread { [cluster] in try cluster.start() }  // pg_ctl waits for seconds
                let pid = cluster.livePostmasterPID()
                logger.notice(
                    "embedded PostgreSQL restarted",
                    metadata: [
                        "pid": "\(pid.map(String.init) ?? "unknown")",
                        "seconds": "\(outageStarted.map { (ContinuousClock.now - $0).seconds } ?? 0)",
                    ])
                postmaster = pid
                outageStarted = nil
            } catch {
                logger.warning("restarting embedded PostgreSQL failed; trying again", metadata: ["error": "\(error)"])
            }
        }
    }

}

extension Duration {
    /// Whole and fractional seconds, rounded to a tenth.
    fileprivate var seconds: Double {
        let (whole, attoseconds) = components
        return ((Double(whole) + Double(attoseconds) / 1e18) * 10).rounded() / 10
    }
}
