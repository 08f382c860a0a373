public import CoreMetrics

/// HTTP latency by method, route pattern and status: one swift-metrics timer per series, in
/// whatever backend `factory` is (the daemon's Prometheus registry renders it at `/metrics`).
struct HTTPMetrics: Sendable {
    /// Timer by `method`, `route` and `status`, in seconds at `/metrics`.
    static let requestDuration = "http_request_duration_seconds"

    let factory: any MetricsFactory

    func record(method: String, route: String, status: Int, duration: Duration) {
        CoreMetrics.Timer(
            label: Self.requestDuration, dimensions: [("method", method), ("route", route), ("status", String(status))],
            factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }
}
