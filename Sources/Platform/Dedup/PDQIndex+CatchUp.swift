extension PDQIndex {
    /// Loads rows written since the watermark (by this daemon or others) until none are left;
    /// returns how many were added.
    ///
    /// `fetch(afterID, limit)` returns up to `limit` rows with `id > afterID`, in increasing id
    /// order — for example `SELECT id, pdq FROM media WHERE id > $1 AND pdq IS NOT NULL AND
    /// pdq_quality >= 50 ORDER BY id LIMIT $2` through a `DatabasePool` — so the index has no
    /// schema dependency. `afterID` is `Int64.min` for an empty index. Call it at start and on
    /// each NOTIFY (or a timer); overlapping calls are safe: rows at or below the watermark
    /// are skipped, so none is stored twice.
    ///
    /// A writer whose transaction commits after a higher id was already read leaves a gap the
    /// watermark skips over; callers that need those rows should re-fetch a trailing window
    /// and rely on the skip (or run a periodic full reload).
    @discardableResult
    public func catchUp(
        batchSize: Int = 10_000,
        fetch: (_ afterID: Int64, _ limit: Int) async throws -> [Entry]
    ) async throws -> Int {
        var added = 0
        while true {
            let rows = try await fetch(watermark ?? .min, batchSize)
            added += append(contentsOf: rows, skippingSeen: true)
            if rows.count < batchSize { return added }
        }
    }
}
