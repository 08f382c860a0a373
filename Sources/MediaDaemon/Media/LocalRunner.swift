import Foundation
import Synchronization

/// Runs blocking per-file work on a few dedicated threads and prints one JSON line per input
/// as each finishes (order of completion). Returns the exit status: 0, 2 (bad input) or 1.
///
/// The largest files are started first: with the big ones spread over the workers at the
/// start, the small ones fill in at the end instead of one big file running alone on one core.
struct LocalRunner: Sendable {
    let workers: Int

    func run(_ inputs: [String], _ work: @escaping @Sendable (Int, String) throws -> Data) -> Int32 {
        let order = Self.largestFirst(inputs)
        let next = Atomic<Int>(0)
        let worst = Mutex<Int32>(0)
        let output = Mutex(FileHandle.standardOutput)
        let group = DispatchGroup()
        for _ in 0..<min(workers, inputs.count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    let position = next.add(1, ordering: .relaxed).oldValue
                    guard position < order.count else { return }
                    let index = order[position]
                    let path = inputs[index]
                    let line: Data
                    do {
                        line = Self.withSource(try work(index, path), source: path)
                    } catch {
                        let failure = MediaFailure(error)
                        worst.withLock { current in
                            // Internal failures (1) outrank bad input (2) only when nothing else failed:
                            // 2 says "fix your input", 1 says "something is broken here".
                            if current == 0 || failure.exitCode == 1 { current = failure.exitCode }
                        }
                        line = failure.json(source: path)
                    }
                    output.withLock { $0.write(line + Data("\n".utf8)) }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return worst.withLock { $0 }
    }

    /// Input indexes by file size, largest first (unreadable files last, in input order).
    static func largestFirst(_ inputs: [String]) -> [Int] {
        let sizes = inputs.map { path in
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
        }
        return inputs.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
    }

    /// Adds `"source": path` to a manifest object; keys sorted for stable output.
    static func withSource(_ manifest: Data, source: String) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: manifest)) as? [String: Any] else {
            return manifest
        }
        object["source"] = source
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? manifest
    }
}
