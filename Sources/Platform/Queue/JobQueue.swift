import Foundation
public import Logging

/// The queue's client side: enqueue, and the operator's inspect / retry / cancel / stats.
///
/// Safe to share between tasks: every call borrows a connection from the pool. Workers use
/// `QueueRunner`, which claims and finishes jobs on connections of its own.
///
/// Other services can enqueue with plain SQL, no library needed; the insert trigger wakes the
/// workers (one `NOTIFY mediadaemon_jobs` per lane per statement):
/// ```sql
/// INSERT INTO jobs (kind, lane, payload, priority, idempotency_key)
/// VALUES ('media.photo', 'photo', '{"media": 42}', 0, 'upload-42')
/// ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
/// RETURNING id;
/// ```
/// (no row returned: the key already names a job; `SELECT id FROM jobs WHERE idempotency_key
/// = 'upload-42'` finds it). Leave state, attempts and the lease columns to their defaults.
public struct JobQueue: Sendable {
    /// The NOTIFY channel workers listen on; the payload is the lane name.
    public static let notificationChannel = "mediadaemon_jobs"

    public let pool: DatabasePool
    let logger: Logger

    public init(pool: DatabasePool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Enqueues one job, or returns the existing job with the same idempotency key.
    ///
    /// Throws `.invalidJob` before touching the database when the job is malformed.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> EnqueuedJob {
        try job.validate()
        return try await pool.withConnection { connection in try Self.insert(job, on: connection) }
    }

    /// `enqueue(_:)` for one job on a connection the caller owns. Blocks.
    ///
    /// One prepared single-row insert (the server plans it once per connection), no arrays.
    @discardableResult
    public static func enqueue(_ job: NewJob, on connection: DatabaseConnection) throws -> EnqueuedJob {
        try job.validate()
        return try insert(job, on: connection)
    }

    /// The single enqueue of a validated job.
    private static func insert(_ job: NewJob, on connection: DatabaseConnection) throws -> EnqueuedJob {
        let rows = try connection.queryPrepared(
            try QueueQuery.enqueueJob.sql(),
            [
                job.kind, job.lane, job.payload, Int16(job.priority), job.runAt, Int32(job.maxAttempts),
                job.idempotencyKey,
            ])
        if let row = rows.first { return EnqueuedJob(id: try row.decode(Int64.self, column: "id"), inserted: true) }
        // Nothing inserted: the key already names a job.
        guard let key = job.idempotencyKey else { throw QueueError(.notFound, "enqueue inserted no row for a job without a key") }
        let found = try connection.query(try QueueQuery.jobIDsForKeys.sql(), [PostgresArray([key])])
        guard let row = found.first else {
            throw QueueError(.notFound, "the job holding idempotency key '\(key)' vanished during enqueue")
        }
        return EnqueuedJob(id: try row.decode(Int64.self, column: "id"), inserted: false)
    }

    /// Enqueues a batch in one statement (tens of thousands are fine) and returns one result
    /// per job, in order. Jobs whose idempotency key already names a job (or repeats a key
    /// earlier in the batch) get that job's id and `inserted == false`.
    ///
    /// Throws `.invalidJob` before touching the database when a job is malformed.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueuedJob] {
        guard !jobs.isEmpty else { return [] }
        for job in jobs { try job.validate() }
        return try await pool.withConnection { connection in try Self.insert(jobs, on: connection) }
    }

    /// `enqueue(_:)` on a connection the caller owns, e.g. inside the transaction that creates
    /// the row the job is about (the job then exists exactly when that row does). Blocks.
    @discardableResult
    public static func enqueue(_ jobs: [NewJob], on connection: DatabaseConnection) throws -> [EnqueuedJob] {
        for job in jobs { try job.validate() }
        return try insert(jobs, on: connection)
    }

    /// The batch enqueue of validated jobs.
    private static func insert(_ jobs: [NewJob], on connection: DatabaseConnection) throws -> [EnqueuedJob] {
        guard jobs.count > 1 else { return try jobs.map { try insert($0, on: connection) } }
        let kinds = BatchColumn(jobs, \.kind)
        let lanes = BatchColumn(jobs, \.lane)
        let priorities = BatchColumn(jobs) { Int16($0.priority) }
        let attempts = BatchColumn(jobs) { Int32($0.maxAttempts) }
        let runAts = BatchColumn(jobs, optional: \.runAt)
        // Payloads go as text[]: the statement parses each one as its row is built (see enqueue.sql).
        var parameters: [(any PostgresEncodable)?] = [
            PostgresArray(jobs.map(\.payload.text)), kinds.array, lanes.array, priorities.array, runAts.array, attempts.array,
        ]
        // Keys need ON CONFLICT; a batch without any takes the plain insert.
        let keyed = jobs.contains { $0.idempotencyKey != nil }
        if keyed { parameters.append(PostgresNullableArray(jobs.map(\.idempotencyKey))) }
        parameters += [kinds.shared, lanes.shared, priorities.shared, runAts.shared, attempts.shared]
        guard keyed else {
            // Every job inserted, ids ascending with the input (see EnqueueUnkeyedJobs).
            let rows = try connection.queryPrepared(try QueueQuery.enqueueUnkeyedJobs.sql(), parameters)
            guard let row = rows.first, try row.decode(Int64.self, column: "inserted") == Int64(jobs.count),
                let first = try row.decode(Int64?.self, column: "first")
            else {
                throw QueueError(.notFound, "enqueue did not insert one row per job (\(jobs.count) jobs)")
            }
            if let ids = try row.decode(PostgresArray<Int64>?.self, column: "ids")?.elements {
                guard ids.count == jobs.count else {
                    throw QueueError(.notFound, "enqueue returned \(ids.count) ids for \(jobs.count) jobs")
                }
                return ids.map { EnqueuedJob(id: $0, inserted: true) }
            }
            // Consecutive ids: first, first + 1, …
            guard first <= Int64.max - Int64(jobs.count) else {
                throw QueueError(.notFound, "enqueue returned a first id of \(first) for \(jobs.count) jobs")
            }
            return (0..<Int64(jobs.count)).map { EnqueuedJob(id: first + $0, inserted: true) }
        }
        let rows = try connection.queryPrepared(try QueueQuery.enqueueJobs.sql(), parameters)
        // Inserted rows in input order: their ids ascend with the input (see EnqueueJobs).
        var insertedRows = [(id: Int64, key: String?)]()
        insertedRows.reserveCapacity(rows.count)
        for row in rows {
            insertedRows.append((try row.decode(Int64.self, at: 0), try row.decode(String?.self, at: 1)))
        }
        insertedRows.sort { $0.id < $1.id }
        let insertedKeys = Set(insertedRows.lazy.compactMap(\.key))
        var next = insertedRows.startIndex
        var results = [EnqueuedJob?](repeating: nil, count: jobs.count)
        var batchKeys = [String: Int64?]()
        var unresolved = [Int]()
        for (index, job) in jobs.enumerated() {
            if let key = job.idempotencyKey {
                if let earlier = batchKeys[key] {
                    // Repeats a key earlier in the batch: that input's job, when it was inserted.
                    if let id = earlier { results[index] = EnqueuedJob(id: id, inserted: false) } else { unresolved.append(index) }
                    continue
                }
                guard insertedKeys.contains(key) else {
                    batchKeys[key] = .some(nil)
                    unresolved.append(index)
                    continue
                }
            }
            guard next < insertedRows.endIndex, insertedRows[next].key == job.idempotencyKey else {
                throw QueueError(.notFound, "enqueue's inserted rows do not match its input")
            }
            let id = insertedRows[next].id
            next += 1
            if let key = job.idempotencyKey { batchKeys[key] = id }
            results[index] = EnqueuedJob(id: id, inserted: true)
        }
        if !unresolved.isEmpty {
            // Keys that already named a job (possibly one a concurrent enqueue just committed).
            let keys = Array(Set(unresolved.compactMap { jobs[$0].idempotencyKey }))
            let found = try connection.query(try QueueQuery.jobIDsForKeys.sql(), [PostgresArray(keys)])
            var ids = [String: Int64]()
            for row in found { ids[try row.decode(column: "idempotency_key")] = try row.decode(column: "id") }
            for index in unresolved {
                guard let key = jobs[index].idempotencyKey, let id = ids[key] else {
                    throw QueueError(.notFound, "the job holding idempotency key '\(jobs[index].idempotencyKey ?? "")' vanished during enqueue")
                }
                results[index] = EnqueuedJob(id: id, inserted: false)
            }
        }
        return try results.map { result in
            guard let result else { throw QueueError(.notFound, "enqueue returned fewer rows than jobs") }
            return result
        }
    }
}

/// One column of a batch insert: `shared` when every job has the same value (and `array` is
/// empty), else one element per job in `array` (and `shared` is nil). See EnqueueJobs.
private struct BatchColumn {
    let array: any PostgresEncodable
    let shared: (any PostgresEncodable)?

    init<Value: PostgresEncodable & Equatable>(_ jobs: [NewJob], _ value: (NewJob) -> Value) {
        let first = value(jobs[0])
        let same = jobs.allSatisfy { value($0) == first }
        array = PostgresArray(same ? [] : jobs.map(value))
        shared = same ? first : nil
    }

    /// A column that may be NULL: a shared NULL is sent as a NULL parameter.
    init<Value: PostgresEncodable & Equatable>(_ jobs: [NewJob], optional value: (NewJob) -> Value?) {
        let first = value(jobs[0])
        let same = jobs.allSatisfy { value($0) == first }
        array = PostgresNullableArray(same ? [] : jobs.map(value))
        shared = same ? first : nil
    }
}
