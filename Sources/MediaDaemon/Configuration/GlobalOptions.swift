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

    @Option(
        name: .customLong("store"),
        help: "Object store: a root directory or s3://BUCKET/PREFIX (env MEDIADAEMON_STORE, default <data>/store).")
    var storeDirectory: String?

    @Option(
        name: .customLong("s3-endpoint"),
        help: "S3-compatible service URL for an s3:// store (env MEDIADAEMON_S3_ENDPOINT, default AWS's regional endpoint).")
    var s3Endpoint: String?

    @Option(name: .customLong("s3-region"), help: "Region signed into S3 requests (env AWS_REGION, default us-east-1).")
    var s3Region: String?

    @Option(
        name: .customLong("s3-addressing"),
        help: "path (endpoint/bucket/key) or virtual (bucket.endpoint/key) (env MEDIADAEMON_S3_ADDRESSING; default path with --s3-endpoint, else virtual).")
    var s3Addressing: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env MEDIADAEMON_LOG_LEVEL, default info).")
    var logLevel: String?

    /// The composed configuration for this run.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonConfiguration {
        let data = dataDirectory ?? environment["MEDIADAEMON_DATA"] ?? DaemonConfiguration.defaultDataDirectory
        return try DaemonConfiguration(
            dataDirectory: data,
            databaseURL: nonEmpty(databaseURL) ?? nonEmpty(environment["DATABASE_URL"]),
            storeDirectory: nonEmpty(storeDirectory) ?? nonEmpty(environment["MEDIADAEMON_STORE"]) ?? data + "/store",
            logLevel: parseLevel(logLevel ?? environment["MEDIADAEMON_LOG_LEVEL"] ?? "info"),
            s3: try S3Access(
                endpoint: nonEmpty(s3Endpoint) ?? nonEmpty(environment["MEDIADAEMON_S3_ENDPOINT"]),
                region: nonEmpty(s3Region) ?? nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"]),
                addressing: nonEmpty(s3Addressing) ?? nonEmpty(environment["MEDIADAEMON_S3_ADDRESSING"]),
                accessKeyID: nonEmpty(environment["AWS_ACCESS_KEY_ID"]),
                secretAccessKey: nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]),
                sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]))
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
