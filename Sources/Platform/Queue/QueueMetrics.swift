public import CoreMetrics

/// The queue's series in swift-metrics (rendered at `/metrics` by the daemon's Prometheus backend).
public enum QueueMetrics {
    /// Timer by `kind`: how long handlers ran, whatever the outcome.
    public static let duration = "mediadaemon_job_duration_seconds"
    /// Counter by `code`: failed attempts, from handlers and from the rescuer (`lease_expired`,
    /// `stalled`, `quarantined`).
    public static let failures = "mediadaemon_job_failures_total"
    /// Gauge by `state` and `lane`: jobs in the live table, refreshed by `recordDepth`.
    public static let depth = "mediadaemon_queue_depth"
}

extension JobQueue {
    /// Sets the `mediadaemon_queue_depth` gauges from one count of the live table: every state
    /// of every lane that has jobs, zero included. Call it before rendering `/metrics`.
    public func recordDepth(into factory: any MetricsFactory = MetricsSystem.factory) async throws {
        let stats = try await stats()
        var counts = [String: [JobState: Int]]()
        for count in stats.counts { counts[count.lane, default: [:]][count.state] = count.count }
        for (lane, states) in counts {
            for state in JobState.allCases {
                Gauge(label: QueueMetrics.depth, dimensions: [("state", state.rawValue), ("lane", lane)], factory: factory)
                    .record(states[state] ?? 0)
            }
        }
    }
}
