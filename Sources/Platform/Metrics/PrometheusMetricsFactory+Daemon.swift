public import Prometheus

extension PrometheusMetricsFactory {
    /// Upper bounds of a job's duration histogram (`mediadaemon_job_duration_seconds`): from
    /// a thumbnail's milliseconds to a long video's minutes.
    public static let jobDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// Upper bounds of the HTTP latency histogram (`http_request_duration_seconds`).
    public static let requestDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    /// The swift-metrics backend the daemon renders at `/metrics`: a fresh registry (unless
    /// one is given) whose timers use `jobDurationBuckets`, except the HTTP latency timer.
    ///
    /// Every metric made through it is rendered by `registry.emitToString()` in the Prometheus
    /// text format, one `# TYPE` line per family.
    public static func daemon(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) -> Self {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = jobDurationBuckets
        factory.durationHistogramBuckets = [HTTPMetrics.requestDuration: requestDurationBuckets]
        return factory
    }
}
