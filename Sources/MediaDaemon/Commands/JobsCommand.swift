import ArgumentParser
import Foundation
import Logging
import Platform

/// `mediadaemon jobs …`: inspect and steer the job queue.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Inspect, retry and cancel queued jobs.",
        subcommands: [
            JobsListCommand.self, JobsShowCommand.self, JobsRetryCommand.self, JobsCancelCommand.self, JobsStatsCommand.self,
            JobsQuarantineCommand.self,
        ]
    )

    /// Opens the database (starting the embedded cluster if needed), applies migrations, and
    /// runs `body` with a queue client; closes everything afterwards.
    static func withQueue<T: Sendable>(
        _ options: GlobalOptions, label: String, _ body: @Sendable (JobQueue) async throws -> T
    ) async throws -> T {
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: label)
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer { try? database.close() }
        let pool = try DatabasePool(url: database.url, size: 1, logger: logger)
        do {
            try await Migrator(logger: logger).migrate(pool)
            let result = try await body(JobQueue(pool: pool, logger: logger))
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// One JSON document on standard output, keys sorted, dates in ISO 8601.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A job as one line of `jobs list`.
    static func summary(_ job: JobRecord) -> String {
        var line = "\(job.id)\t\(job.state.rawValue)\t\(job.lane)\t\(job.kind)\tattempt \(job.attempts)/\(job.maxAttempts)"
        if let progress = job.progress { line += "\t\(Int(progress * 100))%" }
        if let error = job.lastError, job.state != .succeeded { line += "\t\(error)" }
        return line
    }

    /// The `--json` answer of enqueue and cancel.
    struct JobOutcome: Encodable {
        var id: Int64
        var inserted: Bool?
        var state: String?
    }

    /// Exits 1 with `message` on standard error.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(1)
    }
}
