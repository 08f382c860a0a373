public import Foundation

/// A job a worker has claimed: what to do, and the lease that lets it report the outcome.
public struct Job: Sendable, Hashable {
    public let id: Int64
    /// What the job does; selects the handler.
    public let kind: String
    /// The lane it was claimed from.
    public let lane: String
    /// The payload, as the enqueuer sent it (jsonb: key order and spacing normalised).
    public let payload: PostgresJSON
    public let priority: Int
    public let runAt: Date
    public let createdAt: Date
    public let maxAttempts: Int
    public let idempotencyKey: String?
    /// Who holds the job and on which attempt: the fencing token for every later write.
    public let lease: JobLease
    /// The input the job processes, from the payload's top-level string `content_key`: the
    /// key its kills are counted under for quarantine.
    public let contentKey: String?

    /// This run's attempt number, starting at 1.
    public var attempt: Int { lease.attempt }

    /// Decodes the payload as `type`.
    public func decodePayload<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try payload.decode(type, decoder: decoder)
    }

    init(row: DatabaseRow) throws {
        id = try row.decode(column: "id")
        kind = try row.decode(column: "kind")
        lane = try row.decode(column: "lane")
        payload = try row.decode(column: "payload")
        priority = try row.decode(column: "priority")
        runAt = try row.decode(column: "run_at")
        createdAt = try row.decode(column: "created_at")
        maxAttempts = try row.decode(column: "max_attempts")
        idempotencyKey = try row.decode(column: "idempotency_key")
        lease = JobLease(
            jobID: id, attempt: try row.decode(column: "attempts"), owner: try row.decode(column: "lease_owner"),
            expiresAt: try row.decode(column: "lease_expires_at"), token: try row.decode(column: "lease_token"))
        contentKey = Self.contentKey(in: payload)
    }

    private struct ContentKeyField: Decodable {
        var contentKey: String?
        enum CodingKeys: String, CodingKey { case contentKey = "content_key" }
    }

    /// The payload's `content_key` string, if any. Most payloads have none: they are not parsed.
    static func contentKey(in payload: PostgresJSON) -> String? {
        guard payload.text.contains("\"content_key\"") else { return nil }
        guard let key = try? payload.decode(ContentKeyField.self).contentKey, !key.isEmpty else { return nil }
        return key
    }
}

/// The right to finish one attempt of one job: (job, attempt, owner, token) must still match
/// the row.
public struct JobLease: Sendable, Hashable {
    public let jobID: Int64
    /// The attempt number, which only ever grows: a rescued job's next claim has a new one.
    public let attempt: Int
    /// The claiming process's owner id.
    public let owner: String
    /// When the lease lapses unless a heartbeat extends it (as of the claim).
    public let expiresAt: Date
    /// The claim's random token (migration 0032): a claim lost in a server crash leaves the job
    /// available under its old attempt number, and the next claim draws a new token, so the
    /// lost claim's holder cannot write even if it gets the same attempt and owner back. Nil for
    /// a lease whose claim set none.
    public let token: Int64?

    public init(jobID: Int64, attempt: Int, owner: String, expiresAt: Date, token: Int64? = nil) {
        self.jobID = jobID
        self.attempt = attempt
        self.owner = owner
        self.expiresAt = expiresAt
        self.token = token
    }
}
