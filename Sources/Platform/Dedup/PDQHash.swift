/// A 256-bit PDQ hash packed as four 64-bit words.
///
/// Word `i` holds hex digits `16·i ..< 16·i+16` of the usual 64-digit text form, most
/// significant digit first, so `hex` round-trips and Hamming distances match the reference.
public struct PDQHash: Hashable, Sendable, CustomStringConvertible {
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// Parses 64 hex digits (either case); nil for anything else.
    public init?(hex: String) {
        var hex = hex
        guard let hash = hex.withUTF8({ PDQHash(hexDigits: $0) }) else { return nil }
        self = hash
    }

    /// Parses 64 ASCII hex digits (either case) from bytes, as a list file holds them; nil for
    /// anything else.
    public init?(hexDigits digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for index in 0..<64 {
            let digit = digits[index]
            let value: UInt8
            switch digit {
            case 48...57: value = digit - 48
            case 97...102: value = digit - 87
            case 65...70: value = digit - 55
            default: return nil
            }
            switch index >> 4 {
            case 0: words.0 = words.0 << 4 | UInt64(value)
            case 1: words.1 = words.1 << 4 | UInt64(value)
            case 2: words.2 = words.2 << 4 | UInt64(value)
            default: words.3 = words.3 << 4 | UInt64(value)
            }
        }
        self.init(words.0, words.1, words.2, words.3)
    }

    /// 64 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            for digit in 0..<64 {
                let word = digit < 32 ? (digit < 16 ? w0 : w1) : (digit < 48 ? w2 : w3)
                let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (digit & 15))) & 0xF
                buffer[digit] = nibble < 10 ? 48 + nibble : 87 + nibble
            }
            return 64
        }
    }

    /// Number of differing bits, 0...256.
    @inline(__always)
    public func distance(to other: PDQHash) -> Int {
        (w0 ^ other.w0).nonzeroBitCount + (w1 ^ other.w1).nonzeroBitCount
            + (w2 ^ other.w2).nonzeroBitCount + (w3 ^ other.w3).nonzeroBitCount
    }

    public var description: String { hex }
}
