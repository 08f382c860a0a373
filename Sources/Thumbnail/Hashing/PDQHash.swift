/// A 256-bit PDQ perceptual hash with its quality score (Meta's PDQ; see ALGORITHMS.md §1.1).
public struct PDQHash: Sendable, Hashable, CustomStringConvertible {
    /// Bit k lives in `words[k >> 4]` at position `k & 15` (the reference layout).
    public let words: [UInt16]
    /// 0…100: how much gradient the image has; below 50 the hash is unreliable.
    public let quality: Int

    /// Creates a hash from its 16 words (bit k in word k>>4, position k&15).
    public init(words: [UInt16], quality: Int) {
        precondition(words.count == 16, "a PDQ hash has 16 words")
        self.words = words
        self.quality = quality
    }

    /// Parses 64 hex digits (either case) in the reference order (word 15 first); nil for
    /// anything else (no sign, no spaces).
    public init?(hex: String, quality: Int = 100) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var words = [UInt16](repeating: 0, count: 16)
        for (index, digit) in digits.enumerated() {
            let value: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            words[15 - index / 4] = words[15 - index / 4] << 4 | UInt16(value)
        }
        self.init(words: words, quality: quality)
    }

    /// 64 lowercase hex digits: bits 255…0, most significant first (as the reference prints).
    public var hex: String {
        words.reversed().map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 4 - text.count) + text
        }.joined()
    }

    public var description: String { hex }

    /// Number of differing bits (0…256).
    public func distance(to other: PDQHash) -> Int {
        zip(words, other.words).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
    }
}
