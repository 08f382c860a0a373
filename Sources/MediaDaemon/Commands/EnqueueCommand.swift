import ArgumentParser
import Foundation
import Platform

/// `mediadaemon enqueue FILE…` stores uploads and enqueues their processing;
/// `mediadaemon enqueue --kind KIND --payload JSON …` puts one plain job in the queue.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Ingest photo/video files for processing, or enqueue a plain job with --kind.",
        discussion: """
            Files: each original is stored (content-addressed), recorded as media and its job enqueued; \
            one JSON line per file with the media id. The same bytes twice are one media (exact_duplicate). \
            Jobs: with --key, enqueueing again returns the existing job instead of adding one.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Photo or video files to ingest.")
    var files: [String] = []

    @Option(help: "Enqueue a plain job of this kind (selects the handler) instead of ingesting files.")
    var kind: String?

    @Option(help: "The payload, a JSON document.")
    var payload = "{}"

    @Option(help: "Idempotency key.")
    var key: String?

    @Option(help: "Lower runs first.")
    var priority = 0

    @Option(help: "Lane ([a-z0-9_]{1,32}); default: the media kind's lane for files, `default` for jobs.")
    var lane: String?

    @Option(name: .customLong("run-at"), help: "Not before this ISO 8601 time (e.g. 2026-01-02T03:04:05Z).")
    var runAt: String?

    @Option(name: .customLong("max-attempts"), help: "Attempts before the job goes dead.")
    var maxAttempts = 5

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard files.isEmpty != (kind == nil) else {
            throw ValidationError("give either files to ingest or --kind for a plain job, not both")
        }
        guard (try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])) != nil else {
            throw ValidationError("--payload is not valid JSON")
        }
        if let runAt, Self.parseDate(runAt) == nil {
            throw ValidationError("--run-at '\(runAt)' is not an ISO 8601 time")
        }
    }

    func run() async throws {
        guard let kind else { return try await ingest() }
        let job = NewJob(
            kind: kind, payload: PostgresJSON(text: payload), lane: lane ?? "default", priority: priority,
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

    /// Stores each file and enqueues its processing; a file that can't be read or isn't a
    /// photo or video is reported on its line and makes the exit status 2.
    private func ingest() async throws {
        let (files, lane, priority) = (self.files, self.lane, self.priority)
        var failed = false
        try await options.withMediaLibrary { library in
            for path in files {
                do {
                    let job = MediaJob(input: URL(fileURLWithPath: path))
                    let kind = try job.kind()
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw MediaFailure.badInput(code: "unreadable", message: "cannot read \(path)")
                    }
                    let ingested = try await library.ingest(
                        data, name: URL(fileURLWithPath: path).lastPathComponent, kind: kind.rawValue, lane: lane,
                        priority: priority)
                    FileHandle.standardOutput.write(
                        LocalRunner.withSource(try JSONEncoder().encode(ingested), source: path) + Data("\n".utf8))
                } catch let failure as MediaFailure {
                    failed = true
                    FileHandle.standardOutput.write(failure.json(source: path) + Data("\n".utf8))
                }
            }
        }
        if failed { throw ExitCode(2) }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
