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
            Self.positions.contains(micros)
        else { throw Self.invalid }
        self.init(micros: micros, id: id)
    }

    /// The timestamps a cursor may hold, in microseconds since 1970: 0001-01-01 up to the
    /// position before every row (10000-01-01). The page queries turn a cursor into
    /// `timestamptz 'epoch' + micros * interval '1 microsecond'`, which PostgreSQL refuses far
    /// outside this range, so a cursor outside it is the client's error, not the database's.
    static let positions: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_800_000_000

    /// The text clients send back as `cursor=`.
    public var encoded: String {
        Data("\(micros).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static let invalid = SocialError(.invalid, "invalid_cursor", "the cursor is not valid")
}

/// One page request: an optional cursor and a limit of 1...100.
public struct PageRequest: Sendable {
    /// Where the previous page ended; nil for the first page.
    public var cursor: Cursor?
    /// Rows per page.
    public var limit: Int

    /// Limits a client may ask for (`PageParameters` refuses others with 400 `invalid_limit`).
    public static let limits = 1...100

    /// Clamps `limit` (default 20) to `limits`.
    public init(cursor: Cursor? = nil, limit: Int? = nil) {
        self.cursor = cursor
        self.limit = max(1, min(limit ?? 20, 100))
    }

    /// SQL parameters for `(created_at, id) < cursor`: a far-future position without a cursor.
    var keys: (micros: Int64, id: Int64) {
        // Without a cursor: the start of the year 10000, after every row.
        (cursor?.micros ?? Cursor.positions.upperBound, cursor?.id ?? Int64.max)
    }
}
