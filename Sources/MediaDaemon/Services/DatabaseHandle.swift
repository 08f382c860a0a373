import Logging
import Platform

/// The database a command talks to: an external server, or the embedded cluster, which this
/// handle starts (creating it on first use) and, when it started it, stops again.
///
/// Who stops the embedded cluster: `serve` opens it `serving`, holding `ClusterUseLock`'s
/// shared lock until it closes. A process stops the cluster only when it started it and no
/// (other) `serve` holds that lock, so a CLI command never stops a cluster a running `serve`
/// uses, and a `serve` started while the command ran keeps the cluster the command started.
struct DatabaseHandle: Sendable {
    let url: String
    let cluster: EmbeddedPostgres?
    /// True when the cluster was already running before we came (another process owns it).
    let clusterWasRunning: Bool
    /// `serve`'s claim on the cluster; nil for CLI commands and external databases.
    let useLock: ClusterUseLock?
    let logger: Logger

    static func open(_ configuration: DaemonConfiguration, serving: Bool = false, logger: Logger) throws -> DatabaseHandle {
        if let url = configuration.databaseURL {
            return DatabaseHandle(url: url, cluster: nil, clusterWasRunning: false, useLock: nil, logger: logger)
        }
        let directory = configuration.embeddedClusterDirectory
        // Before looking at the cluster: a CLI command stopping it finishes first.
        let lock = serving ? try ClusterUseLock.shared(clusterDirectory: directory) : nil
        let cluster = EmbeddedPostgres(directory: directory, logger: logger)
        let wasRunning: Bool
        if case .running = try cluster.status() { wasRunning = true } else { wasRunning = false }
        try cluster.start()
        return DatabaseHandle(url: cluster.connectionURL, cluster: cluster, clusterWasRunning: wasRunning, useLock: lock, logger: logger)
    }

    /// Stops the embedded cluster if this handle started it and no other `serve` uses it.
    func close() throws {
        useLock?.release()
        guard let cluster, !clusterWasRunning else { return }
        guard let exclusive = try ClusterUseLock.exclusiveIfUnused(clusterDirectory: cluster.directory) else {
            logger.info(
                "leaving embedded PostgreSQL running: a serve uses it", metadata: ["directory": "\(cluster.directory)"])
            return
        }
        try withExtendedLifetime(exclusive) { try cluster.stop() }
    }
}
