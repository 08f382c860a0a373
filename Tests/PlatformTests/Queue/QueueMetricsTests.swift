import Foundation
import Logging
import Metrics
import Prometheus
import Testing

@testable import Platform

@Suite("Queue: metrics")
struct QueueMetricsTests {
    let logger = Logger(label: "queue-metrics-test")

    @Test func runningJobsMovesTheDurationHistogramTheFailureCounterAndTheDepthGauges() async throws {
        let fixture = try await QueueFixture.make()
        let metrics = PrometheusMetricsFactory.daemon()
        let done = Countdown(3)
        var configuration = fixture.runnerConfiguration(lanes: [.init("default", threads: 1)])
        configuration.metrics = metrics
        let runner = try QueueRunner(
            configuration: configuration,
            handlers: [
                "ok": { _, _ in .completed { _ in done.countDown() } },
                "bad": { _, _ in
                    done.countDown()
                    throw JobFailure.permanent("bad_input", "not an image")
                },
            ], logger: logger)
        #expect(!metrics.registry.emitToString().contains(QueueMetrics.duration))
        let task = Task { try await runner.run() }
        try await fixture.queue.enqueue([NewJob(kind: "ok"), NewJob(kind: "bad"), NewJob(kind: "ok")])
        try await done.wait()
        runner.shutdown()
        try await task.value
        try await fixture.queue.enqueue(NewJob(kind: "later", lane: "photo"))
        try await fixture.queue.recordDepth(into: metrics)

        let text = try #require(PrometheusText(metrics.registry.emitToString()))
        #expect(text.types[QueueMetrics.duration] == "histogram")
        #expect(text.types[QueueMetrics.failures] == "counter")
        #expect(text.types[QueueMetrics.depth] == "gauge")
        #expect(text.value("mediadaemon_job_duration_seconds_count", ["kind": "ok"]) == 2)
        #expect(text.value("mediadaemon_job_duration_seconds_count", ["kind": "bad"]) == 1)
        #expect(text.bucket(QueueMetrics.duration, ["kind": "ok"], le: .infinity) == 2)
        // Job durations reach minutes: the histogram's last finite bucket is 300 s.
        #expect(text.bucket(QueueMetrics.duration, ["kind": "ok"], le: 300) == 2)
        #expect(text.value("mediadaemon_job_failures_total", ["code": "bad_input"]) == 1)
        #expect(text.value("mediadaemon_queue_depth", ["state": "succeeded", "lane": "default"]) == 2)
        #expect(text.value("mediadaemon_queue_depth", ["state": "dead", "lane": "default"]) == 1)
        #expect(text.value("mediadaemon_queue_depth", ["state": "available", "lane": "default"]) == 0)
        #expect(text.value("mediadaemon_queue_depth", ["state": "available", "lane": "photo"]) == 1)

        // A lease expiry counts as a failure too.
        let claimed = try #require(
            try await fixture.queue.claim(lane: "photo", limit: 1, owner: "gone", leaseDuration: .seconds(30)).first)
        try await JobRescuer(pool: fixture.pool, logger: logger, metrics: metrics)
            .runOnce(now: claimed.lease.expiresAt.addingTimeInterval(1))
        let after = try #require(PrometheusText(metrics.registry.emitToString()))
        #expect(after.value("mediadaemon_job_failures_total", ["code": "lease_expired"]) == 1)
        await fixture.close()
    }

    @Test func theBackendRendersCumulativeBucketsInSecondsEscapesLabelsAndKeepsOneSeriesPerLabelSet() throws {
        let metrics = PrometheusMetricsFactory.daemon()
        let timer = Metrics.Timer(label: "t_seconds", dimensions: [("kind", #"a"b"#)], factory: metrics)
        timer.recordNanoseconds(500_000)  // 0.5 ms
        timer.recordNanoseconds(5_000_000)  // 5 ms
        Metrics.Timer(label: "t_seconds", dimensions: [("kind", #"a"b"#)], factory: metrics).recordNanoseconds(2_000_000_000)
        Counter(label: "c_total", factory: metrics).increment(by: 2)
        Counter(label: "c_total", factory: metrics).increment()
        Gauge(label: "g", dimensions: [("lane", "x")], factory: metrics).record(7)
        Gauge(label: "g", dimensions: [("lane", "x")], factory: metrics).record(4)
        let text = try #require(PrometheusText(metrics.registry.emitToString()))
        let labels = ["kind": #"a"b"#]
        // 0.5 ms ≤ 1 ms; 5 ms ≤ 10 ms; 2 s ≤ 2.5 s: cumulative counts 1, 2, 2, 3.
        #expect(text.bucket("t_seconds", labels, le: 0.001) == 1)
        #expect(text.bucket("t_seconds", labels, le: 0.01) == 2)
        #expect(text.bucket("t_seconds", labels, le: 1) == 2)
        #expect(text.bucket("t_seconds", labels, le: .infinity) == 3)
        #expect(text.value("t_seconds_count", labels) == 3)
        #expect(text.value("t_seconds_sum", labels).map { abs($0 - 2.0055) < 1e-9 } == true)
        #expect(text.value("c_total") == 3)
        #expect(text.value("g", ["lane": "x"]) == 4)
        #expect(text.types == ["c_total": "counter", "g": "gauge", "t_seconds": "histogram"])
        #expect(text.samples.filter { $0.name == "c_total" }.count == 1)
    }
}
