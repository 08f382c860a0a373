import ArgumentParser
import Foundation
import Platform

/// `mediadaemon jobs quarantine list | lift KEY`: inputs that kept killing their workers.
struct JobsQuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List or lift quarantined inputs (inputs whose workers died on several attempts in a row).",
        discussion: """
            An input is a job payload's content_key (for media, the original's SHA-256). While it is \
            quarantined, new jobs for it are dead at once with code `quarantined`.
            """,
        subcommands: [List.self, Lift.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List quarantined inputs, newest first.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let quarantines = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { try await $0.quarantines() }
            if json {
                try JobsCommand.printJSON(quarantines)
                return
            }
            if quarantines.isEmpty { print("no quarantined inputs") }
            for entry in quarantines {
                print(
                    "\(entry.contentKey)\t\(entry.kills) kills\tlast job \(entry.lastJobID) (\(entry.lastKind), \(entry.lastError))\t\(entry.deadJobs) dead job(s)\tsince \(ISO8601DateFormatter().string(from: entry.quarantinedAt))"
                )
            }
        }
    }

    struct Lift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lift", abstract: "Accept jobs for a quarantined input again.",
            discussion: "Its dead jobs stay dead; rerun them with `jobs retry ID`.")

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The input's content key (for media, the SHA-256).")
        var key: String

        @Flag(help: "Print JSON.")
        var json = false

        private struct Output: Encodable {
            var lifted: String
            var deadJobs: [Int64]
        }

        func run() async throws {
            let key = key
            let dead: [Int64]
            do {
                dead = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { try await $0.liftQuarantine(contentKey: key) }
            } catch let error as QueueError {
                throw JobsCommand.fail(error.message)
            }
            if json {
                try JobsCommand.printJSON(Output(lifted: key, deadJobs: dead))
            } else {
                print("input \(key) accepted again; dead jobs: \(dead.isEmpty ? "none" : dead.map(String.init).joined(separator: " "))")
            }
        }
    }
}
