public import Foundation

/// Everything the database knows about one job, for operators (`jobs show`, `jobs list`).
public struct JobRecord: Sendable, Hashable, Codable {
    /// One failed attempt in the error history.
    public struct AttemptError: Sendable, Hashable, Codable {
        public let attempt: Int
        public let at: Date
        public let code: String
        public let message: String
    }

    public let id: Int64
    public let kind: String
    public let lane: String
    /// The payload's JSON text.
    public let payload: String
    public let state: JobState
    public let priority: Int
    public let runAt: Date
    public let attempts: Int
    public let maxAttempts: Int
    public let leaseOwner: String?
    public let leaseExpiresAt: Date?
    public let heartbeatAt: Date?
    public let progress: Double?
    public let stage: String?
    public let cancelRequested: Bool
    public let lastError: String?
    /// Oldest first.
    public let errors: [AttemptError]
    public let idempotencyKey: String?
    public let createdAt: Date
    public let startedAt: Date?
    public let finishedAt: Date?
    /// True when the cleaner has moved the job to `job_history`.
    public let archived: Bool

    init(row: DatabaseRow) throws {
        id = try row.decode(column: "id")
        kind = try row.decode(column: "kind")
        lane = try row.decode(column: "lane")
        payload = try row.decode(PostgresJSON.self, column: "payload").text
        let stateText = try row.decode(String.self, column: "state")
        guard let state = JobState(rawValue: stateText) else {
            throw QueueError(.invalidState, "unknown job state '\(stateText)'")
        }
        self.state = state
        priority = try row.decode(column: "priority")
        runAt = try row.decode(column: "run_at")
        attempts = try row.decode(column: "attempts")
        maxAttempts = try row.decode(column: "max_attempts")
        leaseOwner = try row.decode(column: "lease_owner")
        leaseExpiresAt = try row.decode(column: "lease_expires_at")
        heartbeatAt = try row.decode(column: "heartbeat_at")
        progress = try row.decode(column: "progress")
        stage = try row.decode(column: "stage")
        cancelRequested = try row.decode(column: "cancel_requested")
        lastError = try row.decode(column: "last_error")
        errors = try Self.decodeErrors(try row.decode(PostgresJSON.self, column: "errors"))
        idempotencyKey = try row.decode(column: "idempotency_key")
        createdAt = try row.decode(column: "created_at")
        startedAt = try row.decode(column: "started_at")
        finishedAt = try row.decode(column: "finished_at")
        archived = try row.decode(column: "archived")
    }

    private static func decodeErrors(_ json: PostgresJSON) throws -> [AttemptError] {
        struct Entry: Decodable {
            let attempt: Int
            let at: String
            let code: String
            let message: String
        }
        return try json.decode([Entry].self).map { entry in
            // jsonb prints timestamps as ISO 8601 with a `T`; the parser reads the server's text form.
            guard let at = PostgresTimestamp.parse(entry.at.replacingOccurrences(of: "T", with: " ")) else {
                throw QueueError(.invalidState, "unreadable time '\(entry.at)' in the error history")
            }
            return AttemptError(attempt: entry.attempt, at: at, code: entry.code, message: entry.message)
        }
    }
}
