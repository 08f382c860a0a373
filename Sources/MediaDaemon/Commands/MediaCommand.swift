import ArgumentParser
import Foundation
import Logging
import Platform

/// `mediadaemon media show|list`: inspect media records as JSON.
struct MediaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Show media records (status, manifest, duplicate_of, errors) as JSON.",
        subcommands: [Show.self, List.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one media record (exit 1 when there is none).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Media id.") var id: Int64

        func run() async throws {
            let id = self.id
            try await options.withMediaLibrary { library in
                guard let record = try await library.media(id: id) else {
                    FileHandle.standardError.write(Data("no media \(id)\n".utf8))
                    throw ExitCode.failure
                }
                try printMedia(record)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print media newest first, one JSON object per line.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this status: processing, ready, failed, deleted or blocked.") var status: String?
        @Option(help: "At most this many.") var limit: Int = 50

        func validate() throws {
            if let status, !["processing", "ready", "failed", "deleted", "blocked"].contains(status) {
                throw ValidationError("--status must be processing, ready, failed, deleted or blocked")
            }
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            let (status, limit) = (self.status, self.limit)
            try await options.withMediaLibrary { library in
                for record in try await library.list(status: status, limit: limit) { try printMedia(record) }
            }
        }
    }
}

/// Prints a media record as one line of JSON with sorted keys, its `manifest` (stored as JSON
/// text) as the object it is rather than a string holding JSON.
func printMedia(_ record: MediaRecord) throws {
    let encoded = try JSONEncoder.printing.encode(record)
    guard var object = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else {
        throw MediaFailure.internalError("a media record did not encode as a JSON object")
    }
    if let manifest = record.manifest {
        object["manifest"] = try JSONSerialization.jsonObject(with: Data(manifest.utf8), options: [.fragmentsAllowed])
    }
    let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    FileHandle.standardOutput.write(line + Data("\n".utf8))
}

extension JSONEncoder {
    /// Sorted keys, unescaped slashes, ISO 8601 dates: how the CLI prints JSON.
    static var printing: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// Prints `value` as one line of JSON with sorted keys.
func printJSON(_ value: some Encodable) throws {
    FileHandle.standardOutput.write(try JSONEncoder.printing.encode(value) + Data("\n".utf8))
}

extension GlobalOptions {
    /// Opens the configured database (starting the embedded cluster if needed, and stopping it
    /// after if this command started it), migrates, and runs `body` with the media library.
    func withMediaLibrary(_ body: (MediaLibrary) async throws -> Void) async throws {
        let configuration = try resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "mediadaemon")
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer { try? database.close() }
        let pool = try DatabasePool(url: database.url, size: 2, logger: logger)
        do {
            try await Migrator(logger: logger).migrate(pool)
            let store = try configuration.makeStore()
            try await body(MediaLibrary(pool: pool, store: store, logger: logger))
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
