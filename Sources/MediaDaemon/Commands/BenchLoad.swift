import Foundation
import Synchronization

/// Latency figures of a set of samples, in milliseconds.
struct LatencySummary: Encodable {
    var count: Int
    var p50_ms: Double
    var p99_ms: Double
    var max_ms: Double

    init(_ samples: [Duration]) {
        let sorted = samples.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        func quantile(_ q: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]
        }
        count = sorted.count
        p50_ms = (quantile(0.5) * 100).rounded() / 100
        p99_ms = (quantile(0.99) * 100).rounded() / 100
        max_ms = ((sorted.last ?? 0) * 100).rounded() / 100
    }
}

/// The bearer token `scripts/bench likes` and `notify` seed for user `id`: the id in 64 hex
/// digits (the sessions table holds its SHA-256).
func benchToken(_ id: Int) -> String {
    String(repeating: "0", count: max(0, 64 - String(id, radix: 16).count)) + String(id, radix: 16)
}

/// Runs `body` on `count` threads of their own and returns once all have finished.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        for index in 0..<count {
            group.addTask {
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        body(index)
                        continuation.resume()
                    }
                }
            }
        }
    }
}

/// What the benchmark threads count, shared between them.
final class BenchTally: Sendable {
    let samples = Mutex<[Duration]>([])
    let errors = Atomic<Int>(0)
    let succeeded = Atomic<Int>(0)
    let connected = Atomic<Int>(0)
    /// Highest actor_count seen on a stream, and events seen.
    let seen = Mutex((count: 0, events: 0))
}
