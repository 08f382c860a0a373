public import Foundation

extension MediaLibrary {
    /// Which media an operator wants processed again. Nil fields match anything.
    public struct ReprocessFilter: Sendable {
        public var kind: String?
        public var createdSince: Date?
        public var createdBefore: Date?
        public var status: String?
        /// Media made by a preset version below this (or never processed).
        public var presetOlderThan: Int?
        public var ids: [Int64]?

        public init(
            kind: String? = nil, createdSince: Date? = nil, createdBefore: Date? = nil, status: String? = nil,
            presetOlderThan: Int? = nil, ids: [Int64]? = nil
        ) {
            self.kind = kind
            self.createdSince = createdSince
            self.createdBefore = createdBefore
            self.status = status
            self.presetOlderThan = presetOlderThan
            self.ids = ids
        }
    }

    /// One media to process again.
    public struct ReprocessCandidate: Sendable, Hashable {
        public var mediaID: Int64
        public var kind: String
        public var originalKey: String
        /// The original's SHA-256, the reprocessing job's content key.
        public var sha256: String? = nil
    }

    /// Up to `limit` matching media with ids above `afterID`, in id order.
    public func reprocessCandidates(
        _ filter: ReprocessFilter, afterID: Int64 = 0, limit: Int = 1000
    ) async throws -> [ReprocessCandidate] {
        let sql = try MediaQuery.reprocessCandidates.sql()
        let rows = try await pool.query(
            sql,
            [
                filter.kind, filter.createdSince, filter.createdBefore, filter.status, filter.presetOlderThan,
                filter.ids.map { PostgresArray($0) }, afterID, limit,
            ])
        return try rows.map {
            ReprocessCandidate(
                mediaID: try $0["id", as: Int64.self], kind: try $0["kind", as: String.self],
                originalKey: try $0["original_key", as: String.self], sha256: try $0["sha256", as: String.self])
        }
    }

    /// Enqueues processing for `candidates` in one statement on the `backlog` lane (below fresh
    /// uploads). Keys are per media and `runKey`, so running the same reprocess again while
    /// its jobs are live adds nothing. Returns how many jobs were new.
    public func enqueueReprocessing(_ candidates: [ReprocessCandidate], runKey: String, priority: Int = 10) async throws -> Int {
        let jobs = try candidates.map {
            try NewJob(
                kind: MediaJobPayload.jobKind(for: $0.kind),
                encoding: MediaJobPayload(mediaID: $0.mediaID, kind: $0.kind, originalKey: $0.originalKey, sha256: $0.sha256),
                lane: "backlog", priority: priority, idempotencyKey: "reprocess:\(runKey):\($0.mediaID)")
        }
        let enqueued = try await JobQueue(pool: pool, logger: logger).enqueue(jobs)
        return enqueued.filter(\.inserted).count
    }

    /// Of `ids`, how many became ready and how many failed since `since`.
    public func reprocessProgress(ids: [Int64], since: Date) async throws -> (ready: Int, failed: Int) {
        let sql = try MediaQuery.reprocessProgress.sql()
        guard let row = try await pool.query(sql, [PostgresArray(ids), since]).first else { return (0, 0) }
        return (try row["ready", as: Int.self], try row["failed", as: Int.self])
    }
}
