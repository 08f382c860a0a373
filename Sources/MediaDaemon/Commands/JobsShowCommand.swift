import ArgumentParser
import Foundation
import Platform

/// `mediadaemon jobs show ID`: one job with its error history.
struct JobsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one job, with its error history.")

    @OptionGroup var arguments: JobArguments

    func run() async throws {
        let (id, options) = (arguments.id, arguments.options)
        guard let job = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs", { try await $0.job(id: id) }) else {
            throw JobsCommand.fail("no job \(id)")
        }
        if arguments.json {
            try JobsCommand.printJSON(job)
            return
        }
        let time = { (date: Date?) in date.map { $0.formatted(.iso8601) } ?? "-" }
        print("job \(job.id)\(job.archived ? " (archived)" : "")")
        print("  kind:      \(job.kind)")
        print("  lane:      \(job.lane)   priority: \(job.priority)")
        print("  state:     \(job.state.rawValue)\(job.cancelRequested && !job.state.isFinal ? " (cancel requested)" : "")")
        print("  attempts:  \(job.attempts)/\(job.maxAttempts)")
        print("  run at:    \(time(job.runAt))")
        print("  created:   \(time(job.createdAt))   started: \(time(job.startedAt))   finished: \(time(job.finishedAt))")
        if let owner = job.leaseOwner { print("  lease:     \(owner) until \(time(job.leaseExpiresAt))") }
        if let progress = job.progress { print("  progress:  \(Int(progress * 100))% \(job.stage ?? "")") }
        if let key = job.idempotencyKey { print("  key:       \(key)") }
        print("  payload:   \(job.payload)")
        if !job.errors.isEmpty {
            print("  errors:")
            for error in job.errors {
                print("    attempt \(error.attempt) at \(time(error.at)): [\(error.code)] \(error.message)")
            }
        }
    }
}
