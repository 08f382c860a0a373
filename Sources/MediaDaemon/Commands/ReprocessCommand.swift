import ArgumentParser
import Foundation
import Platform

/// `mediadaemon reprocess`: run media through the pipeline again (after a preset change, or
/// to retry failures), on the backlog lane so fresh uploads keep priority.
struct ReprocessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprocess",
        abstract: "Enqueue media for processing again, selected by filters, on the backlog lane.",
        discussion: """
            Safe to interrupt and run again: each media's job carries an idempotency key for this \
            reprocess run (--run-key, default derived from the filters), so live jobs are never duplicated. \
            Outputs of the new run are written beside the old ones and the manifest switches at completion.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only photo or video.") var kind: String?
    @Option(help: "Only media created at or after this ISO 8601 time.") var since: String?
    @Option(help: "Only media created before this ISO 8601 time.") var until: String?
    @Option(help: "Only media with this status (processing, ready, failed).") var status: String?
    @Option(name: .customLong("preset-older-than"), help: "Only media made by a preset version below this.")
    var presetOlderThan: Int?
    @Option(help: "Only these media ids (comma-separated).") var ids: String?
    @Option(help: "At most this many media.") var limit: Int?
    @Option(name: .customLong("run-key"), help: "Idempotency scope of this run (default: from the filters).")
    var runKey: String?
    @Flag(name: .customLong("dry-run"), help: "Only count what would be enqueued.") var dryRun = false
    @Flag(help: "Wait until every enqueued media is processed, showing progress, rate and ETA.") var wait = false

    func validate() throws {
        if let kind, kind != "photo", kind != "video" { throw ValidationError("--kind must be photo or video") }
        if let status, !["processing", "ready", "failed"].contains(status) {
            throw ValidationError("--status must be processing, ready or failed")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, EnqueueCommand.parseDate(value) == nil { throw ValidationError("\(name) '\(value)' is not an ISO 8601 time") }
        }
        if let ids, parsedIDs(ids) == nil { throw ValidationError("--ids must be comma-separated media ids") }
        if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
    }

    private func parsedIDs(_ text: String) -> [Int64]? {
        let parts = text.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
        return parts.contains(nil) || parts.isEmpty ? nil : parts.compactMap { $0 }
    }

    func run() async throws {
        let filter = MediaLibrary.ReprocessFilter(
            kind: kind, createdSince: since.flatMap(EnqueueCommand.parseDate),
            createdBefore: until.flatMap(EnqueueCommand.parseDate), status: status, presetOlderThan: presetOlderThan,
            ids: ids.flatMap(parsedIDs))
        let key = runKey ?? defaultRunKey
        let (limit, dryRun, wait) = (self.limit, self.dryRun, self.wait)
        try await options.withMediaLibrary { library in
            let started = try await library.pool.query("SELECT now() AS now").first?["now", as: Date.self] ?? Date()
            var selected: [Int64] = []
            var enqueued = 0
            var after: Int64 = 0
            while limit.map({ selected.count < $0 }) ?? true {
                let batchSize = min(1000, (limit ?? Int.max) - selected.count)
                let batch = try await library.reprocessCandidates(filter, afterID: after, limit: batchSize)
                guard let last = batch.last else { break }
                after = last.mediaID
                selected += batch.map(\.mediaID)
                if !dryRun { enqueued += try await library.enqueueReprocessing(batch, runKey: key) }
            }
            if dryRun {
                print("would reprocess \(selected.count) media")
                return
            }
            print("selected \(selected.count) media; enqueued \(enqueued) jobs (run key \(key))")
            if wait, !selected.isEmpty {
                try await Progress(total: selected.count).track {
                    try await library.reprocessProgress(ids: selected, since: started)
                }
            }
        }
    }

    /// The same filters give the same key, so re-running an interrupted reprocess dedups.
    private var defaultRunKey: String {
        [kind ?? "*", since ?? "*", until ?? "*", status ?? "*", presetOlderThan.map(String.init) ?? "*", ids ?? "*"]
            .joined(separator: "|")
    }
}
