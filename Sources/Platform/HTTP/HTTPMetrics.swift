import Foundation
import Synchronization

/// HTTP latency histograms by method, route and status, rendered as Prometheus text. A small
/// hand-written exporter: one metric family, no dependency.
final class HTTPMetrics: Sendable {
    private struct Series: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct Histogram {
        var buckets: [Int]
        var count = 0
        var sum = 0.0

        mutating func record(_ seconds: Double) {
            for (index, bound) in HTTPMetrics.bounds.enumerated() where seconds <= bound {
                buckets[index] += 1
            }
            count += 1
            sum += seconds
        }
    }

    /// Upper bounds of the latency buckets, in seconds.
    static let bounds: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let series = Mutex<[Series: Histogram]>([:])

    func record(method: String, route: String, status: Int, seconds: Double) {
        series.withLock { series in
            // Updated in place: a copy out and back would copy the bucket array every request.
            series[
                Series(method: method, route: route, status: status),
                default: Histogram(buckets: Array(repeating: 0, count: Self.bounds.count))
            ].record(seconds)
        }
    }

    /// The Prometheus text exposition of every series.
    func render() -> String {
        let snapshot = series.withLock { $0 }
        var lines = [
            "# HELP http_request_duration_seconds HTTP request latency by method, route and status.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        for (key, histogram) in snapshot.sorted(by: { "\($0.key.route)\($0.key.method)\($0.key.status)" < "\($1.key.route)\($1.key.method)\($1.key.status)" }) {
            let labels = "method=\"\(Self.escape(key.method))\",route=\"\(Self.escape(key.route))\",status=\"\(key.status)\""
            for (index, bound) in Self.bounds.enumerated() {
                lines.append("http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(histogram.buckets[index])")
            }
            lines.append("http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)")
            lines.append("http_request_duration_seconds_sum{\(labels)} \(histogram.sum)")
            lines.append("http_request_duration_seconds_count{\(labels)} \(histogram.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
