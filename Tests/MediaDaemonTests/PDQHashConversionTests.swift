import Platform
import Testing
import Thumbnail

@testable import MediaDaemon

/// The pipelines' PDQ hashes reach the dedup index through one conversion; these checks come
/// from the reference layout (bit k in 16-bit word k >> 4; hex prints bits 255…0), not from it.
@Suite("PDQ hash conversion")
struct PDQHashConversionTests {
    @Test func eachBitLandsWhereTheReferenceOrderPutsIt() {
        for k in 0..<256 {
            var words = [UInt16](repeating: 0, count: 16)
            words[k >> 4] = 1 << UInt16(k & 15)
            let converted = Platform.PDQHash(Thumbnail.PDQHash(words: words, quality: 100))
            // Platform's w0 is the first 16 hex digits, bits 255…192; w3 is bits 63…0.
            var expected = [UInt64](repeating: 0, count: 4)
            expected[3 - k / 64] = 1 << UInt64(k % 64)
            #expect(converted == Platform.PDQHash(expected[0], expected[1], expected[2], expected[3]), "bit \(k)")
        }
    }

    @Test func bothModulesPrintTheConvertedHashAlike() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let words = (0..<16).map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) }
            let hash = Thumbnail.PDQHash(words: words, quality: 80)
            #expect(Platform.PDQHash(hash).hex == hash.hex)
        }
    }

    @Test func aMalformedPipelineHashIsAnErrorNotADrop() throws {
        for malformed in ["", "abc", String(repeating: "g", count: 64), "+" + String(repeating: "f", count: 63)] {
            #expect(throws: MediaFailure.self) { try Platform.PDQHash(pipelineHex: malformed) }
        }
        #expect(try Platform.PDQHash(pipelineHex: String(repeating: "0", count: 63) + "1") == Platform.PDQHash(0, 0, 0, 1))
    }
}
