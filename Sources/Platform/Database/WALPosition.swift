/// A PostgreSQL write-ahead-log position (`pg_lsn`), as a byte offset into the WAL.
///
/// PostgreSQL prints one as two hexadecimal numbers, the high and low 32 bits: `16/B374D848`.
public struct WALPosition: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Bytes since the start of the WAL.
    public var offset: UInt64

    public init(offset: UInt64) {
        self.offset = offset
    }

    /// Parses `HIGH/LOW`; nil for anything else (each half at most 8 hex digits).
    public init?(_ text: String) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, (1...8).contains(halves[0].count), (1...8).contains(halves[1].count),
            let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16)
        else { return nil }
        offset = high << 32 | low
    }

    public var description: String {
        String(offset >> 32, radix: 16, uppercase: true) + "/" + String(offset & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: WALPosition, rhs: WALPosition) -> Bool { lhs.offset < rhs.offset }

    /// Bytes from `earlier` to `self`; zero when `earlier` is not earlier.
    public func bytes(after earlier: WALPosition) -> UInt64 {
        offset > earlier.offset ? offset - earlier.offset : 0
    }
}
