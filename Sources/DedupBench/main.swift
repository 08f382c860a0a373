// Dedup benchmark: query time of `PDQIndex` at 1M and 10M random 256-bit hashes on one core.
//
// Usage: DedupBench [size…] [--queries N]; prints one JSON object per size.
// Not a test: run through `scripts/bench dedup` on a release build.
import Foundation
import Platform

/// SplitMix64, seeded, so runs are comparable.
struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomHash(_ generator: inout Generator) -> PDQHash {
    PDQHash(generator.next(), generator.next(), generator.next(), generator.next())
}

func flipping(_ hash: PDQHash, _ count: Int, _ generator: inout Generator) -> PDQHash {
    var words = [hash.w0, hash.w1, hash.w2, hash.w3]
    var bits = Set<Int>()
    while bits.count < count { bits.insert(Int.random(in: 0..<256, using: &generator)) }
    for bit in bits { words[bit / 64] ^= 1 << UInt64(bit % 64) }
    return PDQHash(words[0], words[1], words[2], words[3])
}

func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
}

var sizes: [Int] = []
var queryCount = 1_000
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--queries", let value = arguments.next().flatMap({ Int($0) }) {
        queryCount = value
    } else if let size = Int(argument.replacingOccurrences(of: "_", with: "")) {
        sizes.append(size)
    } else {
        FileHandle.standardError.write(Data("usage: DedupBench [size…] [--queries N]\n".utf8))
        exit(2)
    }
}
if sizes.isEmpty { sizes = [1_000_000, 10_000_000] }

for size in sizes {
    var generator = Generator(state: UInt64(size))
    let queries = (0..<queryCount).map { _ in randomHash(&generator) }
    // Half the queries have one planted near-duplicate at a distance in 0…31.
    var entries: [PDQIndex.Entry] = []
    entries.reserveCapacity(size)
    var planted = 0
    for id in 0..<size {
        let hash: PDQHash
        if id % (size / max(1, queryCount / 2)) == 0, planted < queryCount / 2 {
            hash = flipping(queries[planted], planted % 32, &generator)
            planted += 1
        } else {
            hash = randomHash(&generator)
        }
        entries.append((Int64(id), hash))
    }

    let index = PDQIndex()
    let buildStart = ContinuousClock.now
    index.append(contentsOf: entries)
    let buildMs = milliseconds(since: buildStart)
    entries = []

    var latencies: [Double] = []
    var found = 0
    for query in queries {
        let start = ContinuousClock.now
        found += index.matches(for: query).count
        latencies.append(milliseconds(since: start))
    }
    latencies.sort()

    // Baselines on a few queries: an exhaustive popcount scan (a radius the tables can't
    // probe forces it) and a dihedral lookup (8 variants).
    let scanQueries = queries.prefix(20)
    let scanStart = ContinuousClock.now
    for query in scanQueries { _ = index.matches(for: query, within: 90) }
    let scanMs = milliseconds(since: scanStart) / Double(scanQueries.count)
    let dihedralStart = ContinuousClock.now
    for query in queries.prefix(50) {
        _ = index.bestMatch(variants: (0..<8).map { flipping(query, $0, &generator) })
    }
    let dihedralMs = milliseconds(since: dihedralStart) / 50

    // Worst case between rebuilds: a full unindexed tail (65,535 hashes) scanned per query.
    index.append(contentsOf: (0..<65_535).map { (Int64(size + $0), randomHash(&generator)) })
    let tailStart = ContinuousClock.now
    for query in queries.prefix(200) { _ = index.matches(for: query) }
    let tailMs = milliseconds(since: tailStart) / 200

    let mean = latencies.reduce(0, +) / Double(latencies.count)
    let report: [String: Any] = [
        "hashes": size, "queries": queryCount, "max_distance": 31,
        "planted": planted, "found": found,
        "build_ms": (buildMs * 10).rounded() / 10,
        "ms_per_query_mean": (mean * 1000).rounded() / 1000,
        "ms_per_query_p50": (latencies[latencies.count / 2] * 1000).rounded() / 1000,
        "ms_per_query_p99": (latencies[latencies.count * 99 / 100] * 1000).rounded() / 1000,
        "ms_per_dihedral_lookup": (dihedralMs * 1000).rounded() / 1000,
        "ms_per_exhaustive_scan": (scanMs * 1000).rounded() / 1000,
        "ms_per_query_with_full_tail": (tailMs * 1000).rounded() / 1000,
    ]
    let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}
