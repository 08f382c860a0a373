@testable import Platform

/// SplitMix64: a seeded generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension PDQHash {
    static func random(using generator: inout SeededGenerator) -> PDQHash {
        PDQHash(generator.next(), generator.next(), generator.next(), generator.next())
    }

    /// This hash with exactly `count` distinct bits flipped.
    func flipping(_ count: Int, using generator: inout SeededGenerator) -> PDQHash {
        var words = [w0, w1, w2, w3]
        var bits = Set<Int>()
        while bits.count < count { bits.insert(Int.random(in: 0..<256, using: &generator)) }
        for bit in bits { words[bit / 64] ^= 1 << UInt64(bit % 64) }
        return PDQHash(words[0], words[1], words[2], words[3])
    }
}

/// The reference answer: every entry within `maxDistance`, closest first, ties by id.
func bruteForce(_ entries: [PDQIndex.Entry], _ query: PDQHash, within maxDistance: Int) -> [PDQMatch] {
    entries.compactMap { entry in
        let distance = entry.hash.distance(to: query)
        return distance <= maxDistance ? PDQMatch(id: entry.id, distance: distance) : nil
    }.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
}
