public import CoreMetrics
import Foundation
import Synchronization

/// A swift-metrics backend that keeps every series in memory and renders the Prometheus text
/// exposition for `/metrics`. Counters are counters, meters and plain recorders are gauges,
/// timers and aggregating recorders are histograms (timers in seconds).
///
/// Our own rather than swift-prometheus: about 200 lines on CoreMetrics, which Hummingbird
/// already builds, instead of another package (and swift-atomics) in every build.
///
/// ```swift
/// let registry = PrometheusRegistry()
/// Counter(label: "jobs_total", dimensions: [("kind", "k")], factory: registry).increment()
/// print(registry.render())
/// ```
public final class PrometheusRegistry: MetricsFactory, Sendable {
    /// Upper bounds, in seconds (or the recorded unit), of every histogram's buckets.
    public static let defaultBuckets: [Double] = [
        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
    ]

    private enum Kind: String {
        case counter, gauge, histogram
    }

    private struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private struct Series {
        var kind: Kind
        var dimensions: [(String, String)]
        var handler: any PrometheusHandler
    }

    private let buckets: [Double]
    private let series = Mutex<[Key: Series]>([:])

    public init(buckets: [Double] = PrometheusRegistry.defaultBuckets) {
        self.buckets = buckets.sorted()
    }

    private func handler<H: PrometheusHandler>(
        _ label: String, _ dimensions: [(String, String)], _ kind: Kind, make: () -> H
    ) -> H {
        let key = Key(label: label, dimensions: dimensions.flatMap { [$0.0, $0.1] })
        return series.withLock { series in
            if let existing = series[key]?.handler as? H { return existing }
            let created = make()
            series[key] = Series(kind: kind, dimensions: dimensions, handler: created)
            return created
        }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        handler(label, dimensions, .counter) { PrometheusCounter() }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        handler(label, dimensions, .counter) { PrometheusCounter() }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        handler(label, dimensions, .gauge) { PrometheusGauge() }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if aggregate {
            return handler(label, dimensions, .histogram) { PrometheusHistogram(buckets: buckets, scale: 1) }
        }
        return handler(label, dimensions, .gauge) { PrometheusGauge() }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        handler(label, dimensions, .histogram) { PrometheusHistogram(buckets: buckets, scale: 1e-9) }
    }

    public func destroyCounter(_ handler: any CounterHandler) { remove(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { remove(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { remove(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { remove(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { remove(handler) }

    private func remove(_ handler: any Sendable & AnyObject) {
        series.withLock { series in
            if let key = series.first(where: { $0.value.handler === handler })?.key { series.removeValue(forKey: key) }
        }
    }

    /// Every series in the Prometheus text format (0.0.4), families sorted by name.
    public func render() -> String {
        let snapshot = series.withLock { $0 }
        let families = Dictionary(grouping: snapshot, by: \.key.label)
        var lines = [String]()
        for label in families.keys.sorted() {
            guard let members = families[label], let kind = members.first?.value.kind else { continue }
            lines.append("# TYPE \(label) \(kind.rawValue)")
            for (_, series) in members.sorted(by: { $0.key.dimensions.lexicographicallyPrecedes($1.key.dimensions) }) {
                let labels = series.dimensions.map { "\($0.0)=\"\(Self.escape($0.1))\"" }
                func braces(_ extra: [String] = []) -> String {
                    let all = labels + extra
                    return all.isEmpty ? "" : "{\(all.joined(separator: ","))}"
                }
                switch series.handler {
                case let counter as PrometheusCounter:
                    lines.append("\(label)\(braces()) \(Self.format(counter.value))")
                case let gauge as PrometheusGauge:
                    lines.append("\(label)\(braces()) \(Self.format(gauge.value))")
                case let histogram as PrometheusHistogram:
                    let state = histogram.state
                    var cumulative = 0
                    for (index, bound) in buckets.enumerated() {
                        cumulative += state.counts[index]
                        lines.append("\(label)_bucket\(braces(["le=\"\(Self.format(bound))\""])) \(cumulative)")
                    }
                    lines.append("\(label)_bucket\(braces(["le=\"+Inf\""])) \(state.count)")
                    lines.append("\(label)_sum\(braces()) \(Self.format(state.sum))")
                    lines.append("\(label)_count\(braces()) \(state.count)")
                default:
                    continue
                }
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// One series' storage.
protocol PrometheusHandler: AnyObject, Sendable {}

final class PrometheusCounter: PrometheusHandler, CounterHandler, FloatingPointCounterHandler, Sendable {
    private let total = Mutex<Double>(0)
    var value: Double { total.withLock { $0 } }
    func increment(by amount: Int64) { if amount > 0 { total.withLock { $0 += Double(amount) } } }
    func increment(by amount: Double) { if amount > 0, amount.isFinite { total.withLock { $0 += amount } } }
    func reset() { total.withLock { $0 = 0 } }
}

final class PrometheusGauge: PrometheusHandler, MeterHandler, RecorderHandler, Sendable {
    private let current = Mutex<Double>(0)
    var value: Double { current.withLock { $0 } }
    func set(_ value: Int64) { set(Double(value)) }
    func set(_ value: Double) { current.withLock { $0 = value } }
    func increment(by amount: Double) { current.withLock { $0 += amount } }
    func decrement(by amount: Double) { current.withLock { $0 -= amount } }
    func record(_ value: Int64) { set(Double(value)) }
    func record(_ value: Double) { set(value) }
}

final class PrometheusHistogram: PrometheusHandler, RecorderHandler, TimerHandler, Sendable {
    struct State {
        /// Observations per bucket (not cumulative); the last bucket's overflow is only in count.
        var counts: [Int]
        var count = 0
        var sum = 0.0
    }

    private let bounds: [Double]
    /// Multiplies each observation: 1e-9 turns a timer's nanoseconds into seconds.
    private let scale: Double
    private let current: Mutex<State>

    init(buckets: [Double], scale: Double) {
        bounds = buckets
        self.scale = scale
        current = Mutex(State(counts: Array(repeating: 0, count: buckets.count)))
    }

    var state: State { current.withLock { $0 } }

    func record(_ value: Int64) { observe(Double(value) * scale) }
    func record(_ value: Double) { observe(value * scale) }
    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) * scale) }

    private func observe(_ value: Double) {
        guard value.isFinite else { return }
        let index = bounds.firstIndex { value <= $0 }
        current.withLock { state in
            if let index { state.counts[index] += 1 }
            state.count += 1
            state.sum += value
        }
    }
}
