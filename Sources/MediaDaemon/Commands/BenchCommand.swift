import ArgumentParser

/// `mediadaemon bench …`: measurements, not tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (print one JSON line).",
        subcommands: [
            BenchQueueCommand.self, BenchFeedSQLCommand.self, BenchHashCommand.self, BenchLikesCommand.self,
            BenchNotifyCommand.self, BenchSearchSQLCommand.self,
        ]
    )
}
