import ArgumentParser
import Platform

/// `mediadaemon jobs retry ID | --dead [--kind K]`: run failed or cancelled jobs again now.
struct JobsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run a dead or cancelled job (or every dead job) again now.",
        discussion: "A job with no attempts left is granted one more.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job id (or use --dead).")
    var id: Int64?

    @Flag(help: "Retry every dead job.")
    var dead = false

    @Option(help: "With --dead: only jobs of this kind.")
    var kind: String?

    @Option(help: "With --dead: only jobs in this lane.")
    var lane: String?

    @Option(help: "With --dead: only jobs whose last error has this code.")
    var code: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (id != nil) != dead else { throw ValidationError("give either a job id or --dead") }
        if (kind != nil || lane != nil || code != nil) && !dead { throw ValidationError("--kind, --lane and --code go with --dead") }
    }

    func run() async throws {
        let id = id
        let filter = JobFilter(kind: kind, lane: lane, errorCode: code)
        if let id {
            do {
                try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { try await $0.retry(id: id) }
            } catch let error as QueueError {
                throw JobsCommand.fail(error.message)
            }
            if json { try JobsCommand.printJSON(["retried": [id]]) } else { print("job \(id) will run again") }
        } else {
            let count = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { try await $0.retryDead(matching: filter) }
            if json { try JobsCommand.printJSON(["retried": count]) } else { print("\(count) dead job(s) will run again") }
        }
    }
}
