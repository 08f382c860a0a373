import Logging
import Platform

/// The database a command talks to: an external server, or the embedded cluster, which this
/// handle starts (creating it on first use) and, when it started it, stops again.
struct DatabaseHandle: Sendable {
    let url: String
    let cluster: EmbeddedPostgres?
    /// True when the cluster was already running before we came (another process owns it).
    let clusterWasRunning: Bool

    static func open(_ configuration: DaemonConfiguration, logger: Logger) throws -> DatabaseHandle {
        if let url = configuration.databaseURL {
            return DatabaseHandle(url: url, cluster: nil, clusterWasRunning: false)
        }
        let cluster = EmbeddedPostgres(directory: configuration.embeddedClusterDirectory, logger: logger)
        let wasRunning: Bool
        if case .running = try cluster.status() { wasRunning = true } else { wasRunning = false }
        try cluster.start()
        return DatabaseHandle(url: cluster.connectionURL, cluster: cluster, clusterWasRunning: wasRunning)
    }

    /// Stops the embedded cluster if this handle started it.
    func close() throws {
        guard let cluster, !clusterWasRunning else { return }
        try cluster.stop()
    }
}
