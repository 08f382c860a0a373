import Foundation
import Logging
import Metrics
import Testing

@testable import Platform

@Suite("Queue: metrics")
struct QueueMetricsTests {
    let logger = Logger(label: "queue-metrics-test")

    @Test func runningJobsMovesTheDurationHistogramTheFailureCounterAndTheDepthGauges() async throws {
        let fixture = try await QueueFixture.make()
        let registry = PrometheusRegistry()
        let done = Countdown(3)
        var configuration = fixture.runnerConfiguration(lanes: [.init("default", threads: 1)])
        configuration.metrics = registry
        let runner = try QueueRunner(
            configuration: configuration,
            handlers: [
                "ok": { _, _ in .completed { _ in done.countDown() } },
                "bad": { _, _ in
                    done.countDown()
                    throw JobFailure.permanent("bad_input", "not an image")
                },
            ], logger: logger)
        #expect(!registry.render().contains(QueueMetrics.duration))
        let task = Task { try await runner.run() }
        try await fixture.queue.enqueue([NewJob(kind: "ok"), NewJob(kind: "bad"), NewJob(kind: "ok")])
        try await done.wait()
        runner.shutdown()
        try await task.value
        try await fixture.queue.enqueue(NewJob(kind: "later", lane: "photo"))
        try await fixture.queue.recordDepth(into: registry)

        let text = registry.render()
        #expect(text.contains("# TYPE mediadaemon_job_duration_seconds histogram"))
        #expect(text.contains(#"mediadaemon_job_duration_seconds_count{kind="ok"} 2"#))
        #expect(text.contains(#"mediadaemon_job_duration_seconds_count{kind="bad"} 1"#))
        #expect(text.contains(#"mediadaemon_job_duration_seconds_bucket{kind="ok",le="+Inf"} 2"#))
        #expect(text.contains("# TYPE mediadaemon_job_failures_total counter"))
        #expect(text.contains(#"mediadaemon_job_failures_total{code="bad_input"} 1"#))
        #expect(text.contains("# TYPE mediadaemon_queue_depth gauge"))
        #expect(text.contains(#"mediadaemon_queue_depth{state="succeeded",lane="default"} 2"#))
        #expect(text.contains(#"mediadaemon_queue_depth{state="dead",lane="default"} 1"#))
        #expect(text.contains(#"mediadaemon_queue_depth{state="available",lane="default"} 0"#))
        #expect(text.contains(#"mediadaemon_queue_depth{state="available",lane="photo"} 1"#))

        // A lease expiry counts as a failure too.
        let claimed = try #require(
            try await fixture.queue.claim(lane: "photo", limit: 1, owner: "gone", leaseDuration: .seconds(30)).first)
        try await JobRescuer(pool: fixture.pool, logger: logger, metrics: registry)
            .runOnce(now: claimed.lease.expiresAt.addingTimeInterval(1))
        #expect(registry.render().contains(#"mediadaemon_job_failures_total{code="lease_expired"} 1"#))
        await fixture.close()
    }

    @Test func theRegistryRendersCumulativeBucketsInSecondsAndKeepsOneSeriesPerLabelSet() {
        let registry = PrometheusRegistry(buckets: [0.001, 0.01, 1])
        let timer = Metrics.Timer(label: "t_seconds", dimensions: [("kind", #"a"b"#)], factory: registry)
        timer.recordNanoseconds(500_000)  // 0.5 ms
        timer.recordNanoseconds(5_000_000)  // 5 ms
        Metrics.Timer(label: "t_seconds", dimensions: [("kind", #"a"b"#)], factory: registry).recordNanoseconds(2_000_000_000)
        Counter(label: "c_total", factory: registry).increment(by: 2)
        Counter(label: "c_total", factory: registry).increment()
        Gauge(label: "g", dimensions: [("lane", "x")], factory: registry).record(7)
        Gauge(label: "g", dimensions: [("lane", "x")], factory: registry).record(4)
        let lines = registry.render().split(separator: "\n").map(String.init)
        #expect(lines.contains(#"t_seconds_bucket{kind="a\"b",le="0.001"} 1"#))
        #expect(lines.contains(#"t_seconds_bucket{kind="a\"b",le="0.01"} 2"#))
        #expect(lines.contains(#"t_seconds_bucket{kind="a\"b",le="1"} 2"#))
        #expect(lines.contains(#"t_seconds_bucket{kind="a\"b",le="+Inf"} 3"#))
        #expect(lines.contains(#"t_seconds_count{kind="a\"b"} 3"#))
        #expect(lines.contains("c_total 3"))
        #expect(lines.contains(#"g{lane="x"} 4"#))
        #expect(lines.filter { $0.hasPrefix("# TYPE") } == ["# TYPE c_total counter", "# TYPE g gauge", "# TYPE t_seconds histogram"])
    }
}
