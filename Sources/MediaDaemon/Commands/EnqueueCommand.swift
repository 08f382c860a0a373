import ArgumentParser
import Foundation
import Platform

/// `mediadaemon enqueue KIND --payload JSON …`: put one job in the queue.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Enqueue a job.",
        discussion: "With --key, enqueueing again returns the existing job instead of adding one.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job kind (selects the handler).")
    var kind: String

    @Option(help: "The payload, a JSON document.")
    var payload = "{}"

    @Option(help: "Idempotency key.")
    var key: String?

    @Option(help: "Lower runs first.")
    var priority = 0

    @Option(help: "Lane ([a-z0-9_]{1,32}).")
    var lane = "default"

    @Option(name: .customLong("run-at"), help: "Not before this ISO 8601 time (e.g. 2026-01-02T03:04:05Z).")
    var runAt: String?

    @Option(name: .customLong("max-attempts"), help: "Attempts before the job goes dead.")
    var maxAttempts = 5

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])) != nil else {
            throw ValidationError("--payload is not valid JSON")
        }
        if let runAt, Self.parseDate(runAt) == nil {
            throw ValidationError("--run-at '\(runAt)' is not an ISO 8601 time")
        }
    }

    func run() async throws {
        let job = NewJob(
            kind: kind, payload: PostgresJSON(text: payload), lane: lane, priority: priority,
            runAt: runAt.flatMap(Self.parseDate), maxAttempts: maxAttempts, idempotencyKey: key)
        let result: EnqueuedJob
        do {
            result = try await JobsCommand.withQueue(options, label: "mediadaemon.enqueue") { try await $0.enqueue(job) }
        } catch let error as QueueError {
            throw JobsCommand.fail(error.message)
        }
        if json {
            try JobsCommand.printJSON(JobsCommand.JobOutcome(id: result.id, inserted: result.inserted))
        } else if result.inserted {
            print("enqueued job \(result.id)")
        } else {
            print("job \(result.id) already holds key \(key ?? "")")
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
