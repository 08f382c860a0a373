public import Foundation

/// An input whose workers died or hung on `kills` attempts in a row: new jobs for it are
/// dead-lettered at insert until an operator lifts the quarantine.
public struct JobQuarantine: Sendable, Hashable, Codable {
    /// The job payloads' `content_key` (for media, the original's SHA-256).
    public var contentKey: String
    public var kills: Int
    /// The job and kind of the last attempt that died, and how (`lease_expired` or `stalled`).
    public var lastJobID: Int64
    public var lastKind: String
    public var lastError: String
    public var lastKilledAt: Date
    public var quarantinedAt: Date
    /// Dead jobs for the input in the live table.
    public var deadJobs: Int

    init(row: DatabaseRow) throws {
        contentKey = try row.decode(column: "content_key")
        kills = try row.decode(column: "kills")
        lastJobID = try row.decode(column: "last_job_id")
        lastKind = try row.decode(column: "last_kind")
        lastError = try row.decode(column: "last_error")
        lastKilledAt = try row.decode(column: "last_killed_at")
        quarantinedAt = try row.decode(column: "quarantined_at")
        deadJobs = try row.decode(column: "dead_jobs")
    }
}

/// Operator commands for quarantined inputs (the rescuer quarantines, see `JobRescuer`).
extension JobQueue {
    /// Every quarantined input, newest first.
    public func quarantines() async throws -> [JobQuarantine] {
        try await pool.query(try QueueQuery.listQuarantines.sql()).map(JobQuarantine.init(row:))
    }

    /// Lifts the quarantine of `contentKey` (its kill count starts again from zero) and
    /// returns the input's dead jobs still in the live table, which `retry(id:)` can rerun.
    ///
    /// Throws `.notFound` when the input is not quarantined.
    @discardableResult
    public func liftQuarantine(contentKey: String) async throws -> [Int64] {
        let rows = try await pool.query(try QueueQuery.liftQuarantine.sql(), [contentKey])
        guard let row = rows.first else {
            throw QueueError(.notFound, "input '\(contentKey)' is not quarantined")
        }
        return try row.decode(PostgresArray<Int64>.self, column: "dead_jobs").elements
    }

    /// Records that the worker process running `job`'s attempt died holding it: one kill of the
    /// job's input, counted only while the attempt still holds its lease. Returns the input's
    /// kills in a row and whether it reached `quarantineAfter` (nil: never quarantine); nil when
    /// the job names no input or its lease was lost. The caller still fails the attempt.
    public func recordWorkerKill(
        _ job: Job, error: String, quarantineAfter: Int?, now: Date? = nil
    ) async throws -> (kills: Int, quarantined: Bool)? {
        let rows = try await pool.query(
            try QueueQuery.recordWorkerKill.sql(),
            [
                job.id, Int32(clamping: job.attempt), job.lease.owner, error, quarantineAfter.map { Int32(clamping: $0) },
                now, job.lease.token,
            ])
        guard let row = rows.first else { return nil }
        return (Int(try row.decode(Int32.self, column: "kills")), try row.decode(Bool.self, column: "quarantined"))
    }

    /// Forgets the kills of the input `contentKey` after one of its jobs succeeded, on the
    /// caller's connection (inside the completion's transaction). Blocks.
    static func resetKills(contentKey: String, on connection: DatabaseConnection) throws {
        try connection.query(try QueueQuery.resetContentKills.sql(), [contentKey])
    }
}
