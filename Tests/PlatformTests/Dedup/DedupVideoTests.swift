import Testing

@testable import Platform

@Suite("Dedup video frames")
struct DedupVideoTests {
    var generator = SeededGenerator(seed: 42)

    mutating func frames(_ count: Int, quality: Int = 90) -> [VideoFrameHash] {
        (0..<count).map { _ in VideoFrameHash(hash: .random(using: &generator), quality: quality) }
    }

    /// A re-encode: every frame a few bits off.
    mutating func reencoded(_ frames: [VideoFrameHash], bits: Int) -> [VideoFrameHash] {
        frames.map { VideoFrameHash(hash: $0.hash.flipping(bits, using: &generator), quality: $0.quality) }
    }

    @Test mutating func reencodedCopyMatchesBothWays() {
        let original = frames(30)
        let result = VideoHashMatcher().compare(query: reencoded(original, bits: 20), candidate: original)
        #expect(result.queryShare == 1 && result.candidateShare == 1 && result.isDuplicate)
    }

    @Test mutating func distanceBoundIsInclusive() {
        let original = frames(10)
        let atBound = reencoded(original, bits: 31)
        #expect(VideoHashMatcher().compare(query: atBound, candidate: original).isDuplicate)
        let beyond = reencoded(original, bits: 32)
        #expect(VideoHashMatcher().compare(query: beyond, candidate: original).candidateShare == 0)
    }

    @Test mutating func clipOfALongVideoIsContainmentNotDuplicate() {
        let long = frames(100)
        let clip = reencoded(Array(long[20..<40]), bits: 8)
        let both = VideoHashMatcher().compare(query: clip, candidate: long)
        #expect(both.queryShare == 1)
        #expect(both.candidateShare == 0.2)
        #expect(!both.isDuplicate)
        // The reference rule asks 80 % of the compared video only: the long video uploaded
        // again with extra footage around it matches the clip already stored.
        let reference = VideoHashMatcher(rule: .reference)
        #expect(reference.compare(query: long, candidate: clip).isDuplicate)
        #expect(!reference.compare(query: clip, candidate: long).isDuplicate)
    }

    @Test mutating func sharesAreComputedOverUniqueUsableFrames() {
        let original = frames(10)
        // Eight of ten frames shared; duplicates of one frame and low-quality frames don't count.
        var query = reencoded(Array(original[0..<8]), bits: 4) + frames(2)
        query += Array(repeating: query[0], count: 20)
        query += frames(30, quality: 40)
        let result = VideoHashMatcher().compare(query: query, candidate: original)
        #expect(result.queryShare == 0.8)
        #expect(result.candidateShare == 0.8)
        #expect(result.isDuplicate)
        let stricter = VideoHashMatcher(rule: .init(minimumQueryShare: 0.9, minimumCandidateShare: 0.9))
        #expect(!stricter.compare(query: query, candidate: original).isDuplicate)
        #expect(!VideoHashMatcher().compare(query: frames(5, quality: 10), candidate: original).isDuplicate)
        #expect(!VideoHashMatcher().compare(query: [], candidate: original).isDuplicate)
    }
}
