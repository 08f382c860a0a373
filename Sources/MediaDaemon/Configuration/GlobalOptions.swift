import ArgumentParser
import Foundation
import Logging

/// Options every subcommand shares. Each resolves flag > environment > default in `resolve`.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data directory (env MEDIADAEMON_DATA, default ./.mediadaemon).")
    var dataDirectory: String?

    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URL (env DATABASE_URL). Without one, the embedded cluster under <data>/pg is used.")
    var databaseURL: String?

    @Option(name: .customLong("store"), help: "Object store root directory (env MEDIADAEMON_STORE, default <data>/store).")
    var storeDirectory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env MEDIADAEMON_LOG_LEVEL, default info).")
    var logLevel: String?

    /// The composed configuration for this run.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonConfiguration {
        let data = dataDirectory ?? environment["MEDIADAEMON_DATA"] ?? DaemonConfiguration.defaultDataDirectory
        return try DaemonConfiguration(
            dataDirectory: data,
            databaseURL: nonEmpty(databaseURL) ?? nonEmpty(environment["DATABASE_URL"]),
            storeDirectory: nonEmpty(storeDirectory) ?? nonEmpty(environment["MEDIADAEMON_STORE"]) ?? data + "/store",
            logLevel: parseLevel(logLevel ?? environment["MEDIADAEMON_LOG_LEVEL"] ?? "info")
        )
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private func parseLevel(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("unknown log level '\(text)'; use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }
}
