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
        (cursor?.micros ?? 253_402_300_800_000_000, cursor?.id ?? Int64.max)
    }
}
