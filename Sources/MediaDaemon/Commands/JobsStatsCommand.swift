import ArgumentParser
import Platform

/// `mediadaemon jobs stats`: counts by lane and state, oldest waiting job, the last minute.
struct JobsStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Counts by state and lane, oldest available age, last minute's outcomes.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    private struct Output: Encodable {
        struct Lane: Encodable {
            var lane: String
            var counts: [String: Int]
            var oldestAvailableSeconds: Double?
        }
        var lanes: [Lane]
        var totals: [String: Int]
        var lastMinute: [String: Int]
    }

    func run() async throws {
        let stats = try await JobsCommand.withQueue(options, label: "mediadaemon.jobs") { try await $0.stats() }
        var lanes = [String: Output.Lane]()
        for count in stats.counts {
            var lane = lanes[count.lane] ?? Output.Lane(lane: count.lane, counts: [:], oldestAvailableSeconds: nil)
            lane.counts[count.state.rawValue] = count.count
            if count.state == .available { lane.oldestAvailableSeconds = count.oldestDueSeconds }
            lanes[count.lane] = lane
        }
        let output = Output(
            lanes: lanes.values.sorted { $0.lane < $1.lane },
            totals: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, stats.count($0)) }),
            lastMinute: ["succeeded": stats.succeeded, "dead": stats.dead, "failed_attempts": stats.failedAttempts])
        if json {
            try JobsCommand.printJSON(output)
            return
        }
        let states = JobState.allCases.map(\.rawValue)
        print((["lane"] + states + ["oldest available"]).joined(separator: "\t"))
        for lane in output.lanes {
            let oldest = lane.oldestAvailableSeconds.map { "\(Int($0.rounded()))s" } ?? "-"
            print(([lane.lane] + states.map { "\(lane.counts[$0] ?? 0)" } + [oldest]).joined(separator: "\t"))
        }
        print((["total"] + states.map { "\(output.totals[$0] ?? 0)" } + [""]).joined(separator: "\t"))
        print("last minute: \(stats.succeeded) succeeded, \(stats.dead) dead, \(stats.failedAttempts) failed attempts")
    }
}
