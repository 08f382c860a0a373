import ArgumentParser
import Logging
import Platform

/// `mediadaemon db start|stop|status`: operate the embedded PostgreSQL cluster.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop or inspect the embedded PostgreSQL cluster under the data directory.",
        subcommands: [Start.self, Stop.self, Status.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create (first run) and start the embedded cluster.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let cluster = try options.embeddedCluster()
            try cluster.start()
            print("running; connect with: psql '\(cluster.connectionURL)'")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster (fast shutdown).")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let cluster = try options.embeddedCluster()
            // A running serve would only start it again (it supervises its cluster).
            guard let unused = try ClusterUseLock.exclusiveIfUnused(clusterDirectory: cluster.directory) else {
                throw ValidationError("a running serve uses this cluster: stop serve instead (it stops the cluster it started)")
            }
            try withExtendedLifetime(unused) { try cluster.stop() }
            print("stopped")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print whether the embedded cluster exists and runs (exit 0 running, 3 stopped, 4 not initialised).")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let cluster = try options.embeddedCluster()
            let status = try cluster.status()
            print("\(status); data in \(cluster.dataDirectory)")
            switch status {
            case .running: return
            case .stopped: throw ExitCode(3)
            case .notInitialised: throw ExitCode(4)
            }
        }
    }
}

extension GlobalOptions {
    /// The embedded cluster for this configuration; refuses when an external URL is set,
    /// since `db` commands would then act on something the daemon does not use.
    func embeddedCluster() throws -> EmbeddedPostgres {
        let configuration = try resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        if configuration.databaseURL != nil {
            throw ValidationError("DATABASE_URL (or --database-url) is set: `db` manages only the embedded cluster")
        }
        return EmbeddedPostgres(
            directory: configuration.embeddedClusterDirectory, logger: Logger(label: "mediadaemon.db"))
    }
}
