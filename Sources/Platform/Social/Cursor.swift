import Foundation

/// An opaque keyset position `(created_at, id)` for newest-first pages: base64url of the
/// timestamp in microseconds since 1970 and the row id.
public struct Cursor: Sendable, Hashable {
    /// Microseconds since 1970 of the last row's `created_at`.
    public var micros: Int64
    /// The last row's id.
    public var id: Int64

    /// A position after the row with these keys.
    public init(micros: Int64, id: Int64) {
        self.micros = micros
        self.id = id
    }

    /// Parses a client's cursor; throws a 400 `invalid_cursor` for anything that is not one.
    public init(decoding text: String) throws(SocialError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            throw Self.invalid
        }
        let parts = plain.split(separator: ".")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = Int64(parts[1]),
            Self.representableMicros.contains(micros)
        else { throw Self.invalid }
        self.init(micros: micros, id: id)
    }

    /// Years 1 through 9999 in microseconds since 1970: every position a page can end at. The
    /// queries add the value to the epoch as an interval, and PostgreSQL fails (a 500, not a
    /// 400) on one far outside its timestamp range.
    static let representableMicros: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    /// The text clients send back as `cursor=`.
    public var encoded: String {
        Data("\(micros).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static let invalid = SocialError(.invalid, "invalid_cursor", "the cursor is not valid")
}

/// One page request: an optional cursor and a limit clamped to 1...100.
public struct PageRequest: Sendable {
    /// Where the previous page ended; nil for the first page.
    public var cursor: Cursor?
    /// Rows per page.
    public var limit: Int

    /// Clamps `limit` (default 20) to 1...100.
    public init(cursor: Cursor? = nil, limit: Int? = nil) {
        self.cursor = cursor
        self.limit = max(1, min(limit ?? 20, 100))
    }

    /// SQL parameters for `(created_at, id) < cursor`: a far-future position without a cursor.
    var keys: (micros: Int64, id: Int64) {
        // Without a cursor: a position in the year 9999, after every row.
        (cursor?.micros ?? 253_402_300_800_000_000, cursor?.id ?? Int64.max)
    }
}
