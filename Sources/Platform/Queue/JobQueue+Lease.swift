public import Foundation

/// The worker's statements, blocking, on a connection the caller owns. `QueueRunner` uses these
/// from its lane threads; tests and custom workers may too (or the async forms below).
extension JobQueue {
    /// Claims up to `limit` due jobs of `lane` in priority, run_at, id order, for `owner`, with
    /// a lease of `leaseDuration`. Jobs other claimers hold are skipped, never waited for.
    /// `now` pins the clock (tests); nil uses the server's.
    ///
    /// Prepared once per connection: planning the claim took longer than running it, and it
    /// sits between a NOTIFY and the handler's start (QueuePlanTests checks the generic plan).
    ///
    /// A claim that took jobs commits without waiting for its WAL flush (the flush was most of
    /// the claim's time). A server crash right after may undo it; the jobs are then claimable
    /// again, and every write fenced by these leases fails, because each claim draws a new
    /// random token (`JobLease.token`). Called inside a transaction of the caller's, that whole
    /// transaction commits without waiting for the flush.
    public static func claim(
        lane: String, limit: Int, owner: String, leaseDuration: Duration, now: Date? = nil,
        on connection: DatabaseConnection
    ) throws -> [Job] {
        let rows = try connection.queryPrepared(
            try QueueQuery.claimJobs.sql(),
            [lane, Int32(clamping: limit), owner, leaseDuration.queueSeconds, now, Int64.random(in: .min ... .max)])
        let jobs = try rows.map(Job.init(row:))
        return jobs.sorted { ($0.priority, $0.runAt, $0.id) < ($1.priority, $1.runAt, $1.id) }
    }

    /// Marks the job succeeded, after running `write` in the same transaction.
    ///
    /// Throws `.leaseLost` (and rolls `write` back) when `lease` no longer matches the job:
    /// it was rescued, released, cancelled, or finished by another holder.
    public static func complete(
        _ lease: JobLease, on connection: DatabaseConnection,
        writing write: ((DatabaseConnection) throws -> Void)? = nil
    ) throws {
        let sql = try QueueQuery.completeJob.sql()
        let parameters: [(any PostgresEncodable)?] = [lease.jobID, Int32(lease.attempt), lease.owner, lease.token]
        guard let write else {
            // Nothing to commit with it: one autocommitted statement, one round trip.
            guard !(try connection.query(sql, parameters)).isEmpty else { throw leaseLost(lease) }
            return
        }
        try connection.transaction { transaction in
            try write(transaction)
            guard !(try transaction.query(sql, parameters)).isEmpty else { throw leaseLost(lease) }
        }
    }

    /// Marks several jobs held by one owner succeeded in one statement (no result writes).
    /// Returns the ids completed; the others' leases were lost.
    @discardableResult
    public static func complete(_ leases: [JobLease], on connection: DatabaseConnection) throws -> Set<Int64> {
        guard let owner = leases.first?.owner else { return [] }
        let rows = try connection.query(
            try QueueQuery.completeJobs.sql(),
            [
                PostgresArray(leases.map(\.jobID)), PostgresArray(leases.map { Int32($0.attempt) }), owner,
                PostgresNullableArray(leases.map(\.token)),
            ])
        return Set(try rows.map { try $0.decode(Int64.self, column: "id") })
    }

    /// Records a failed attempt: dead when `failure` is permanent or this was the last
    /// attempt, otherwise available again after `retryDelay`. Throws `.leaseLost` when the
    /// lease no longer matches. Returns the job's new state and run time.
    @discardableResult
    public static func fail(
        _ lease: JobLease, _ failure: JobFailure, retryDelay: Duration, now: Date? = nil,
        on connection: DatabaseConnection
    ) throws -> (state: JobState, runAt: Date) {
        let rows = try connection.query(
            try QueueQuery.failJob.sql(),
            [
                lease.jobID, Int32(lease.attempt), lease.owner, failure.code, failure.message, failure.isPermanent,
                retryDelay.queueSeconds, now, lease.token,
            ])
        guard let row = rows.first else { throw leaseLost(lease) }
        guard let state = JobState(rawValue: try row.decode(String.self, column: "state")) else {
            throw QueueError(.invalidState, "unknown job state in \(row)")
        }
        return (state, try row.decode(Date.self, column: "run_at"))
    }

    /// Ends a job whose handler stopped because an operator cancelled it. Throws `.leaseLost`.
    public static func finishCancelled(_ lease: JobLease, on connection: DatabaseConnection) throws {
        let rows = try connection.query(try QueueQuery.cancelClaimedJob.sql(), [lease.jobID, Int32(lease.attempt), lease.owner, lease.token])
        guard !rows.isEmpty else { throw leaseLost(lease) }
    }

    /// Extends the leases of `beats` (all held by `owner`) to now + `leaseDuration` and stores
    /// their progress, in one statement. Returns the jobs still held, each with its cancel flag;
    /// a job missing from the answer has been lost.
    public static func heartbeat(
        _ beats: [JobHeartbeat], owner: String, leaseDuration: Duration, on connection: DatabaseConnection
    ) throws -> [Int64: Bool] {
        guard !beats.isEmpty else { return [:] }
        let rows = try connection.query(
            try QueueQuery.heartbeatJobs.sql(),
            [
                PostgresArray(beats.map(\.lease.jobID)),
                PostgresArray(beats.map { Int32($0.lease.attempt) }),
                PostgresArray(beats.map { $0.progress ?? -1 }),
                PostgresArray(beats.map { $0.stage ?? "" }),
                owner,
                leaseDuration.queueSeconds,
                PostgresNullableArray(beats.map(\.lease.token)),
            ])
        var held = [Int64: Bool]()
        for row in rows { held[try row.decode(column: "id")] = try row.decode(Bool.self, column: "cancel_requested") }
        return held
    }

    /// Gives jobs back (graceful shutdown): available again at once, the attempt not counted
    /// against max_attempts. Returns the ids released; leases already lost are skipped.
    @discardableResult
    public static func release(_ leases: [JobLease], on connection: DatabaseConnection) throws -> [Int64] {
        guard let owner = leases.first?.owner else { return [] }
        let rows = try connection.query(
            try QueueQuery.releaseJobs.sql(),
            [
                PostgresArray(leases.map(\.jobID)), PostgresArray(leases.map { Int32($0.attempt) }), owner,
                PostgresNullableArray(leases.map(\.token)),
            ])
        return try rows.map { try $0.decode(Int64.self, column: "id") }
    }

    /// `claim` on a pooled connection.
    public func claim(
        lane: String, limit: Int, owner: String, leaseDuration: Duration, now: Date? = nil
    ) async throws -> [Job] {
        try await pool.withConnection { connection in
            try Self.claim(lane: lane, limit: limit, owner: owner, leaseDuration: leaseDuration, now: now, on: connection)
        }
    }

    /// `complete` on a pooled connection.
    public func complete(
        _ lease: JobLease, writing write: (@Sendable (DatabaseConnection) throws -> Void)? = nil
    ) async throws {
        try await pool.withConnection { connection in try Self.complete(lease, on: connection, writing: write) }
    }

    /// `fail` on a pooled connection.
    @discardableResult
    public func fail(
        _ lease: JobLease, _ failure: JobFailure, retryDelay: Duration, now: Date? = nil
    ) async throws -> (state: JobState, runAt: Date) {
        try await pool.withConnection { connection in
            let outcome = try Self.fail(lease, failure, retryDelay: retryDelay, now: now, on: connection)
            return Outcome(state: outcome.state, runAt: outcome.runAt)
        }.tuple
    }

    static func leaseLost(_ lease: JobLease) -> QueueError {
        QueueError(
            .leaseLost,
            "job \(lease.jobID) attempt \(lease.attempt) is no longer held by \(lease.owner) (rescued, released, cancelled or finished elsewhere); the result was discarded")
    }
}

/// `fail`'s answer in a Sendable box (tuples of Sendable values cross `withConnection` fine in
/// principle, but a named type reads better in the closure).
private struct Outcome: Sendable {
    let state: JobState
    let runAt: Date
    var tuple: (state: JobState, runAt: Date) { (state, runAt) }
}

/// One running job's line in a batched heartbeat.
public struct JobHeartbeat: Sendable, Hashable {
    public let lease: JobLease
    /// 0…1, or nil when the handler never reported.
    public let progress: Float?
    public let stage: String?

    public init(lease: JobLease, progress: Float?, stage: String?) {
        self.lease = lease
        self.progress = progress
        self.stage = stage
    }
}
