import Glibc

/// Multi-index hashing tables over a fixed prefix of the index's packed hashes.
///
/// The 256 bits are split into `m` contiguous chunks of `w` or `w + 1` bits with
/// `m ≈ 256 / log2(count)`, so each chunk addresses about as many buckets as there are hashes.
/// By pigeonhole, a hash within distance `d` of the query has at least one chunk within
/// `⌊d/m⌋` of the query's chunk; probing every key within that radius in every table finds a
/// superset of the answer, which the caller verifies with a full popcount. At d = 31 the
/// radius is 2 for m = 11…15 (about 3,000 probes) and 1 for m = 16.
///
/// Each table is a counting-sorted bucket array: `offsets[key] ..< offsets[key + 1]` are the
/// positions (indexes into the packed hashes) whose chunk equals `key`. Immutable once built.
struct MultiIndexTable: Sendable {
    struct Chunk: Sendable {
        var bitOffset: Int
        var width: Int
    }

    /// Hashes covered: positions `0 ..< count`.
    let count: Int
    let chunks: [Chunk]
    private let offsets: [[UInt32]]
    private let positions: [[UInt32]]

    /// Largest radius worth probing; beyond it a scan is cheaper.
    static let maximumRadius = 3

    /// Builds tables over the first `count` hashes of `words` (4 words per hash).
    init(words: UnsafeBufferPointer<UInt64>, count: Int) {
        precondition(count > 0 && count < Int(UInt32.max), "multi-index tables need 1 ..< 2^32 hashes")
        self.count = count
        let chunkCount = min(16, max(11, Int((256.0 / Double(count).log2Clamped).rounded())))
        var chunks: [Chunk] = []
        var bit = 0
        for index in 0..<chunkCount {
            let width = 256 / chunkCount + (index < 256 % chunkCount ? 1 : 0)
            chunks.append(Chunk(bitOffset: bit, width: width))
            bit += width
        }
        self.chunks = chunks
        var allOffsets: [[UInt32]] = []
        var allPositions: [[UInt32]] = []
        for chunk in chunks {
            var offsets = [UInt32](repeating: 0, count: (1 << chunk.width) + 1)
            var positions = [UInt32](repeating: 0, count: count)
            offsets.withUnsafeMutableBufferPointer { offsets in
                for position in 0..<count {
                    offsets[Int(Self.key(words, position * 4, chunk)) + 1] += 1
                }
                for index in 1..<offsets.count { offsets[index] += offsets[index - 1] }
                var cursor = Array(offsets.dropLast())
                positions.withUnsafeMutableBufferPointer { positions in
                    cursor.withUnsafeMutableBufferPointer { cursor in
                        for position in 0..<count {
                            let key = Int(Self.key(words, position * 4, chunk))
                            positions[Int(cursor[key])] = UInt32(position)
                            cursor[key] += 1
                        }
                    }
                }
            }
            allOffsets.append(offsets)
            allPositions.append(positions)
        }
        offsets = allOffsets
        positions = allPositions
    }

    /// Probe radius per table that guarantees no hash within `maxDistance` is missed.
    func radius(for maxDistance: Int) -> Int { maxDistance / chunks.count }

    /// Calls `visit` with every position whose chunk, in some table, lies within `radius` of
    /// the query's. A position may be visited more than once (once per matching table).
    func forEachCandidate(of query: UnsafeBufferPointer<UInt64>, radius: Int, _ visit: (Int) -> Void) {
        for (table, chunk) in chunks.enumerated() {
            let key = Self.key(query, 0, chunk)
            offsets[table].withUnsafeBufferPointer { offsets in
                positions[table].withUnsafeBufferPointer { positions in
                    func bucket(_ probe: UInt32) {
                        let start = Int(offsets[Int(probe)]), end = Int(offsets[Int(probe) + 1])
                        var index = start
                        while index < end {
                            visit(Int(positions[index]))
                            index += 1
                        }
                    }
                    bucket(key)
                    guard radius >= 1 else { return }
                    for i in 0..<chunk.width {
                        let one = key ^ (1 << UInt32(i))
                        bucket(one)
                        guard radius >= 2 else { continue }
                        for j in (i + 1)..<chunk.width {
                            let two = one ^ (1 << UInt32(j))
                            bucket(two)
                            guard radius >= 3 else { continue }
                            for k in (j + 1)..<chunk.width { bucket(two ^ (1 << UInt32(k))) }
                        }
                    }
                }
            }
        }
    }

    /// The `chunk` bits of the hash whose first word is at `base`, as an integer.
    @inline(__always)
    static func key(_ words: UnsafeBufferPointer<UInt64>, _ base: Int, _ chunk: Chunk) -> UInt32 {
        let word = base + chunk.bitOffset >> 6
        let shift = UInt64(chunk.bitOffset & 63)
        var value = words[word] >> shift
        if Int(shift) + chunk.width > 64 { value |= words[word + 1] << (64 - shift) }
        return UInt32(truncatingIfNeeded: value & ((1 << UInt64(chunk.width)) - 1))
    }
}

extension Double {
    /// log2, at least 1, so tiny tables get the widest split.
    fileprivate var log2Clamped: Double { Swift.max(1, Glibc.log2(self)) }
}
