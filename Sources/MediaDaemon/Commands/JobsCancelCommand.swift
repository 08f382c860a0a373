import ArgumentParser
import Platform

/// `mediadaemon jobs cancel ID`.
struct JobsCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job.",
        discussion: "An available job is cancelled at once; a running job's handler is told at its next heartbeat.")

    @OptionGroup var job: JobArguments

    func run() async throws {
        let (id, options, json) = (job.id, job.options, job.json)
        let state: JobState
        do {
            state = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { try await $0.cancel(id: id) }
        } catch let error as QueueError {
            throw JobsCommand.fail(error.message)
        }
        if json {
            try JobsCommand.printJSON(JobsCommand.JobOutcome(id: id, state: state.rawValue))
        } else if state == .cancelled {
            print("job \(id) cancelled")
        } else {
            print("job \(id) is running; its worker will be told to stop")
        }
    }
}
