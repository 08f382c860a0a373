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
/// VALUES ('photo.renditions', 'photo', '{"media": 42}', 0, 'upload-42')
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
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> EnqueuedJob {
        let results = try await enqueue([job])
        return results[0]
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
        return try await pool.withConnection { connection in try Self.enqueue(jobs, on: connection) }
    }

    /// `enqueue(_:)` on a connection the caller owns, e.g. inside the transaction that creates
    /// the row the job is about (the job then exists exactly when that row does). Blocks.
    @discardableResult
    public static func enqueue(_ jobs: [NewJob], on connection: DatabaseConnection) throws -> [EnqueuedJob] {
        guard !jobs.isEmpty else { return [] }
        for job in jobs { try job.validate() }
        var parameters: [(any PostgresEncodable)?] = [
            PostgresArray(jobs.map(\.kind)),
            PostgresArray(jobs.map(\.lane)),
            PostgresArray(jobs.map(\.payload)),
            PostgresArray(jobs.map { Int16($0.priority) }),
            PostgresArray(jobs.map { $0.runAt?.postgresText ?? "" }),
            PostgresArray(jobs.map { Int32($0.maxAttempts) }),
        ]
        // Keys need ON CONFLICT; a batch without any takes the plain insert.
        let keyed = jobs.contains { $0.idempotencyKey != nil }
        if keyed { parameters.append(PostgresArray(jobs.map { $0.idempotencyKey ?? "" })) }
        let rows = try connection.query(
            try (keyed ? QueueQuery.enqueueJobs : QueueQuery.enqueueUnkeyedJobs).sql(), parameters)
        // Inserted rows in input order: their ids ascend with the input (see EnqueueJobs).
        var insertedRows = [(id: Int64, key: String?)]()
        insertedRows.reserveCapacity(rows.count)
        for row in rows {
            insertedRows.append((try row.decode(Int64.self, column: "id"), try row.decode(String?.self, column: "idempotency_key")))
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
