import Dispatch
import Testing

@testable import Platform

@Suite("Dedup index")
struct DedupIndexTests {
    /// 10k random hashes plus, around each of 100 query hashes, planted copies at every
    /// distance 0…40; the index must return exactly the brute-force answer.
    @Test(arguments: [2_048, 32_768])
    func indexReturnsExactlyWhatBruteForceFinds(firstSealAt: Int) {
        var generator = SeededGenerator(seed: 0x5EED + UInt64(firstSealAt))
        var entries: [PDQIndex.Entry] = []
        var nextID: Int64 = 1
        func add(_ hash: PDQHash) {
            entries.append((nextID, hash))
            nextID += 1
        }
        let queries = (0..<100).map { _ in PDQHash.random(using: &generator) }
        for _ in 0..<10_000 { add(.random(using: &generator)) }
        for query in queries {
            for distance in 0...40 where Int.random(in: 0..<3, using: &generator) == 0 || distance % 8 == 0 {
                add(query.flipping(distance, using: &generator))
            }
        }
        entries.shuffle(using: &generator)
        let index = PDQIndex(firstSealAt: firstSealAt)
        // Uneven batches so the tables are rebuilt several times and a tail remains.
        var start = 0
        while start < entries.count {
            let end = min(entries.count, start + Int.random(in: 1...3_000, using: &generator))
            index.append(contentsOf: Array(entries[start..<end]))
            start = end
        }
        #expect(index.count == entries.count)

        var planted = 0
        for query in queries + (0..<30).map({ _ in PDQHash.random(using: &generator) }) {
            for maxDistance in [31, 12] {
                let expected = bruteForce(entries, query, within: maxDistance)
                if maxDistance == 31 { planted += expected.count }
                #expect(index.matches(for: query, within: maxDistance) == expected)
            }
        }
        #expect(planted > 100 * 8, "the planted near-duplicates are found")
        // A radius beyond what the tables can probe falls back to the scan and stays exact.
        #expect(index.matches(for: queries[0], within: 80) == bruteForce(entries, queries[0], within: 80))
    }

    @Test func bestMatchOverVariantsIsTheClosestThenTheLowestID() {
        var generator = SeededGenerator(seed: 8)
        let variants = (0..<8).map { _ in PDQHash.random(using: &generator) }
        var entries: [PDQIndex.Entry] = (100..<300).map { (Int64($0), PDQHash.random(using: &generator)) }
        // Two hashes 5 bits from a variant each, the lower id near the later variant, and one
        // 12 bits from another variant.
        entries.append((7, variants[1].flipping(5, using: &generator)))
        entries.append((3, variants[6].flipping(5, using: &generator)))
        entries.append((500, variants[3].flipping(12, using: &generator)))
        let index = PDQIndex(firstSealAt: 64)
        index.append(contentsOf: entries.sorted { $0.id < $1.id })

        #expect(index.bestMatch(variants: variants) == PDQMatch(id: 3, distance: 5))
        #expect(index.bestMatch(variants: variants.reversed()) == PDQMatch(id: 3, distance: 5))
        #expect(index.bestMatch(variants: variants, excluding: 3) == PDQMatch(id: 7, distance: 5))
        #expect(index.bestMatch(variants: variants, within: 4) == nil)
        #expect(index.bestMatch(variants: []) == nil)
        // The same as a brute-force scan, whatever the radius and excluded id.
        for maxDistance in [4, 5, 12, 31, 100] {
            for excluded in [nil, 3, 7, 500] as [Int64?] {
                let expected = variants.flatMap { bruteForce(entries, $0, within: maxDistance) }
                    .filter { $0.id != excluded }
                    .min { ($0.distance, $0.id) < ($1.distance, $1.id) }
                #expect(index.bestMatch(variants: variants, within: maxDistance, excluding: excluded) == expected)
            }
        }
    }

    @Test func concurrentAppendsWhileQuerying() async {
        var generator = SeededGenerator(seed: 99)
        let anchor = PDQHash.random(using: &generator)
        let index = PDQIndex(firstSealAt: 1_024)
        index.append(contentsOf: [(0, anchor)])
        let batches: [[PDQIndex.Entry]] = (0..<60).map { batch in
            (0..<250).map { offset in
                let id = Int64(1 + batch * 250 + offset)
                // Every 50th hash is a near-duplicate of the anchor.
                let hash = id % 50 == 0 ? anchor.flipping(Int(id % 31), using: &generator) : PDQHash.random(using: &generator)
                return (id, hash)
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in batches { index.append(contentsOf: batch) }
            }
            for _ in 0..<2 {
                group.addTask {
                    var previous = 1
                    for _ in 0..<200 {
                        let found = index.matches(for: anchor)
                        // Appends only add: the answer never shrinks and the anchor is always there.
                        #expect(found.first == PDQMatch(id: 0, distance: 0))
                        #expect(found.count >= previous)
                        previous = found.count
                    }
                }
            }
        }
        let all: [PDQIndex.Entry] = [(0, anchor)] + batches.flatMap { $0 }
        #expect(index.count == all.count)
        #expect(index.matches(for: anchor) == bruteForce(all, anchor, within: 31))
    }

    @Test func hashesRoundTripThroughHex() throws {
        var generator = SeededGenerator(seed: 1)
        let hash = PDQHash.random(using: &generator)
        #expect(PDQHash(hex: hash.hex) == hash)
        #expect(PDQHash(hex: hash.hex.uppercased()) == hash)
        #expect(PDQHash(hex: "f" + String(repeating: "0", count: 63)) == PDQHash(0xF000_0000_0000_0000, 0, 0, 0))
        #expect(PDQHash(hex: String(repeating: "g", count: 64)) == nil)
        #expect(PDQHash(hex: "abc") == nil)
        #expect(hash.distance(to: hash.flipping(17, using: &generator)) == 17)
    }

    @Test func aHashColumnThatIsNotAHashIsAnError() throws {
        let text = "0123456789abcdef" + String(repeating: "0", count: 47) + "1"
        #expect(try PDQHash(postgresText: text, typeOID: PostgresOID.text) == PDQHash(0x0123_4567_89AB_CDEF, 0, 0, 1))
        for malformed in ["", "abc", String(repeating: "g", count: 64), " " + String(repeating: "0", count: 63)] {
            let error = #expect(throws: DatabaseError.self) { try PDQHash(postgresText: malformed, typeOID: PostgresOID.text) }
            #expect(error?.code == .decodingFailed)
        }
    }
}
