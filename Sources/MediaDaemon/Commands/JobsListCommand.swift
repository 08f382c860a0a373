import ArgumentParser
import Platform

/// `mediadaemon jobs list`: live jobs, newest first.
struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "available, running, succeeded, dead or cancelled.")
    var state: String?

    @Option(help: "Only jobs of this kind.")
    var kind: String?

    @Option(help: "Only jobs in this lane.")
    var lane: String?

    @Option(help: "Only jobs whose last error has this code.")
    var code: String?

    @Option(name: .customLong("content-key"), help: "Only jobs for this input (for media, the original's SHA-256).")
    var contentKey: String?

    @Option(help: "At most this many jobs.")
    var limit = 50

    @Flag(help: "Print a JSON array.")
    var json = false

    func run() async throws {
        let state: JobState?
        if let text = self.state {
            guard let parsed = JobState(rawValue: text) else {
                throw ValidationError("unknown state '\(text)'; use \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        } else {
            state = nil
        }
        let filter = JobFilter(state: state, kind: kind, lane: lane, errorCode: code, contentKey: contentKey)
        let limit = limit
        let jobs = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { queue in
            try await queue.list(filter, limit: limit)
        }
        if json {
            try JobsCommand.printJSON(jobs)
        } else {
            for job in jobs { print(JobsCommand.summary(job)) }
        }
    }
}
