import ArgumentParser
import Logging
import Platform
import ServiceLifecycle
import UnixSignals

/// `mediadaemon serve`: run the daemon until SIGTERM or SIGINT.
///
/// Starts the embedded cluster when no external database is configured, applies pending
/// migrations, then runs the daemon's services; on a signal they shut down in reverse order
/// and the embedded cluster is stopped.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon (embedded PostgreSQL unless DATABASE_URL is set) until SIGTERM/SIGINT."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "mediadaemon")
        logger.info("mediadaemon \(MediaDaemonCommand.version) starting", metadata: ["data": "\(configuration.dataDirectory)"])

        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer {
            do { try database.close() } catch { logger.error("stopping the embedded database failed: \(error)") }
        }
        let pool = try DatabasePool(url: database.url, size: 4, logger: logger)
        do {
            let applied = try await Migrator(logger: logger).migrate(pool)
            logger.info("schema ready", metadata: ["migrations_applied": "\(applied.count)"])

            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: DatabaseMonitor(pool: pool, logger: logger))],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                ))
            logger.info("ready; stop with SIGTERM or Ctrl-C", metadata: ["database": "\(database.cluster == nil ? "external" : "embedded")"])
            try await group.run()
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        logger.info("stopped")
    }
}
