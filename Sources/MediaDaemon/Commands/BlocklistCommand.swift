import ArgumentParser
import Foundation
import Logging
import Platform

/// `mediadaemon blocklist import|list|remove|matches`: the hash list that blocks media before
/// publishing and takes down published media when an import matches them.
struct BlocklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocklist", abstract: "Manage the PDQ/vPDQ hash list that blocks matching media.",
        subcommands: [Import.self, List.self, Remove.self, Matches.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a hash list file, then take down published media that match it.",
            discussion: """
                A PDQ list holds one 64-digit hex PDQ per line, optionally followed by ",quality"; each \
                is one photo entry. A vPDQ file (the reference tool's frame_number,quality,pdq_hex,timestamp \
                lines) is one video entry. The format is told by the first line holding data; blank lines \
                and lines starting with # are skipped. A malformed line fails the import with its number.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "A label for where the list came from.") var source: String
        @Argument(help: "The list file.") var file: String

        /// Seconds before a daemon runs the import's `blocklist.scan` job.
        static let scanFallbackDelay: TimeInterval = 600

        static func seconds(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.2f s", Double(seconds) + Double(attoseconds) / 1e18)
        }

        func run() async throws {
            let clock = ContinuousClock()
            let started = clock.now
            let parsed: BlocklistFile
            do {
                parsed = try BlocklistFile.parse(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch let error as BlocklistFileError {
                throw JobsCommand.fail("\(file): \(error)")
            }
            let parsing = clock.now - started
            let (source, name) = (self.source, URL(fileURLWithPath: file).lastPathComponent)
            try await options.withMediaLibrary { library in
                let storing = clock.now
                // The scan job is the fallback for this command's own scan (below).
                let scanAt = Date().addingTimeInterval(Self.scanFallbackDelay)
                let stored = try await library.pool.transaction { connection in
                    try Blocklist.importEntries(parsed, source: source, name: name, scanAt: scanAt, on: connection)
                }
                let imported = clock.now - storing
                let range = stored.firstEntry.map { "entries \($0)…\(stored.lastEntry ?? $0)" } ?? "no entries"
                print(
                    "import \(stored.id): \(stored.entries) \(stored.kind) entries (\(range)) "
                        + "parsed in \(Self.seconds(parsing)), stored in \(Self.seconds(imported))")
                // The same scan runs as a `blocklist.scan` job later: if this stops, a daemon finishes it.
                let scan = BlocklistScan(pool: library.pool, store: library.store, logger: Logger(label: "mediadaemon"))
                let scanning = clock.now
                let result = try await scan.run(importID: stored.id)
                print(
                    "scanned \(result.scanned) published media in \(Self.seconds(clock.now - scanning)): "
                        + "\(result.blocked.count) taken down"
                        + (result.blocked.isEmpty ? "" : " (media \(result.blocked.map(String.init).joined(separator: ", ")))")
                        + ", \(result.removed) objects removed")
                print(
                    "scanned \(result.avatarsScanned) published avatars: \(result.avatarsBlocked.count) taken down"
                        + (result.avatarsBlocked.isEmpty
                            ? "" : " (avatars \(result.avatarsBlocked.map(String.init).joined(separator: ", ")))"))
                if !result.blocked.isEmpty || !result.avatarsBlocked.isEmpty {
                    print("purge these media's and avatars' URLs from any CDN in front of /media (media/<id>/…, avatars/<id>/…)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Imports, newest first, with their entry ids.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "At most this many imports.") var limit = 100

        func run() async throws {
            let limit = self.limit
            try await options.withMediaLibrary { library in
                let imports = try await library.pool.withConnection { try Blocklist.imports(limit: limit, on: $0) }
                for record in imports {
                    let range = record.firstEntry.map { "entries \($0)…\(record.lastEntry ?? $0)" } ?? "no entries"
                    print(
                        "import \(record.id) from \(record.source): \(record.kind), \(record.listed) of \(record.entries) listed (\(range)), \(record.importedAt)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take an entry off the list (media it blocked stay blocked; restore posts with moderation restore).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The entry id.") var entryID: Int64

        func run() async throws {
            let entryID = self.entryID
            var removed = false
            try await options.withMediaLibrary { library in
                removed = try await library.pool.transaction { try Blocklist.remove(entryID: entryID, on: $0) }
            }
            guard removed else { throw JobsCommand.fail("no listed entry \(entryID)") }
            print("entry \(entryID) removed")
        }
    }

    struct Matches: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Media and avatars the hash list blocked, newest first: one JSON object per line.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "At most this many records.") var limit = 100

        func run() async throws {
            let limit = self.limit
            try await options.withMediaLibrary { library in
                let matches = try await library.pool.withConnection { try Blocklist.matches(limit: limit, on: $0) }
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.sortedKeys]
                for match in matches { print(String(decoding: try encoder.encode(match), as: UTF8.self)) }
            }
        }
    }
}
