import Foundation

/// Operator commands: inspect, retry, cancel, count.
extension JobQueue {
    /// The job with `id`, live or archived; nil when there is none.
    public func job(id: Int64) async throws -> JobRecord? {
        let rows = try await pool.query(try QueueQuery.getJob.sql(), [id])
        return try rows.first.map(JobRecord.init(row:))
    }

    /// Live jobs, newest first, filtered by whichever of state, kind and lane are given.
    public func list(state: JobState? = nil, kind: String? = nil, lane: String? = nil, limit: Int = 50) async throws -> [JobRecord] {
        try await list(JobFilter(state: state, kind: kind, lane: lane), limit: limit)
    }

    /// Live jobs matching `filter`, newest first: at most `limit`, only ids below `before`
    /// when given (the next page starts below the last id of this one).
    public func list(_ filter: JobFilter, limit: Int = 50, before: Int64? = nil) async throws -> [JobRecord] {
        let rows = try await pool.query(
            try QueueQuery.listJobs.sql(),
            [
                filter.state?.rawValue, filter.kind, filter.lane, Int32(clamping: max(limit, 0)), filter.errorCode,
                filter.contentKey, before,
            ])
        return try rows.map(JobRecord.init(row:))
    }

    /// Runs a dead or cancelled job again now (granting one more attempt if it had none left),
    /// or brings forward an available job scheduled for later.
    ///
    /// Throws `.notFound` for an unknown id and `.invalidState` for a running or succeeded job.
    public func retry(id: Int64) async throws {
        let rows = try await pool.query(try QueueQuery.retryJob.sql(), [id])
        if rows.isEmpty { throw try await stateError(id: id, operation: "retry") }
    }

    /// Runs every dead job (of `kind`, when given) again now; returns how many.
    @discardableResult
    public func retryDead(kind: String? = nil) async throws -> Int {
        try await retryDead(matching: JobFilter(kind: kind))
    }

    /// Runs every dead job matching `filter` (its `state` is ignored: only dead jobs are
    /// retried) again now; returns how many.
    @discardableResult
    public func retryDead(matching filter: JobFilter) async throws -> Int {
        try await pool.query(
            try QueueQuery.retryDeadJobs.sql(), [filter.kind, filter.lane, filter.errorCode, filter.contentKey]
        ).count
    }

    /// Cancels a job: an available job is cancelled at once; a running job is flagged and its
    /// handler is told at the next heartbeat (it ends `cancelled` when the handler stops, or
    /// `succeeded` if it finishes first). Returns the job's state after the call.
    ///
    /// Throws `.notFound` for an unknown id and `.invalidState` for a finished job.
    @discardableResult
    public func cancel(id: Int64) async throws -> JobState {
        let rows = try await pool.query(try QueueQuery.cancelJob.sql(), [id])
        guard let row = rows.first else { throw try await stateError(id: id, operation: "cancel") }
        return JobState(rawValue: try row.decode(String.self, column: "state")) ?? .running
    }

    /// Counts by lane and state, plus what finished and failed over the last `window`.
    public func stats(window: Duration = .seconds(60)) async throws -> QueueStats {
        let counts = try await pool.query(try QueueQuery.countJobs.sql())
        let recent = try await pool.query(try QueueQuery.countRecentOutcomes.sql(), [window.queueSeconds])
        let lanes = try counts.map { row in
            QueueStats.LaneCount(
                lane: try row.decode(column: "lane"),
                state: JobState(rawValue: try row.decode(String.self, column: "state")) ?? .available,
                count: try row.decode(column: "count"),
                oldestDueSeconds: try row.decode(column: "oldest_due_seconds"))
        }
        let outcome = recent.first
        return QueueStats(
            counts: lanes,
            window: window,
            succeeded: try outcome?.decode(Int.self, column: "succeeded") ?? 0,
            dead: try outcome?.decode(Int.self, column: "dead") ?? 0,
            failedAttempts: try outcome?.decode(Int.self, column: "failed_attempts") ?? 0)
    }

    private func stateError(id: Int64, operation: String) async throws -> QueueError {
        guard let record = try await job(id: id) else { return QueueError(.notFound, "no job \(id)") }
        return QueueError(.invalidState, "cannot \(operation) job \(id): it is \(record.state.rawValue)\(record.archived ? " (archived)" : "")")
    }
}

/// A snapshot of the queue for `jobs stats` and metrics.
public struct QueueStats: Sendable, Hashable {
    /// Jobs in one state in one lane.
    public struct LaneCount: Sendable, Hashable {
        public let lane: String
        public let state: JobState
        public let count: Int
        /// For `available`: how long the oldest due job has waited, in seconds (nil when none is due).
        public let oldestDueSeconds: Double?
    }

    public let counts: [LaneCount]
    /// The window `succeeded`, `dead` and `failedAttempts` cover.
    public let window: Duration
    public let succeeded: Int
    public let dead: Int
    /// Failed attempts recorded in error histories (retried or not).
    public let failedAttempts: Int

    /// Total jobs in `state`, across lanes.
    public func count(_ state: JobState) -> Int {
        counts.filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }
}
