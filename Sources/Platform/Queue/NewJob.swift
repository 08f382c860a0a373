public import Foundation

/// A job to enqueue.
public struct NewJob: Sendable, Hashable {
    /// The handler that will run it, e.g. `media.photo`.
    public var kind: String
    /// The payload, stored as jsonb. The queue never looks inside.
    public var payload: PostgresJSON
    /// Which lane's workers run it (`[a-z0-9_]{1,32}`); lanes have their own threads.
    public var lane: String
    /// Lower runs first within a lane.
    public var priority: Int
    /// Not before this time; nil means now (by the database's clock).
    public var runAt: Date?
    /// Attempts before the job goes dead.
    public var maxAttempts: Int
    /// A second enqueue with the same key returns the first job instead of adding one, while
    /// the first is in the live table (until the cleaner archives it).
    public var idempotencyKey: String?

    public init(
        kind: String, payload: PostgresJSON = PostgresJSON(text: "{}"), lane: String = "default",
        priority: Int = 0, runAt: Date? = nil, maxAttempts: Int = 5, idempotencyKey: String? = nil
    ) {
        self.kind = kind
        self.payload = payload
        self.lane = lane
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
    }

    /// A job whose payload is `payload` encoded as JSON.
    public init(
        kind: String, encoding payload: some Encodable, lane: String = "default", priority: Int = 0,
        runAt: Date? = nil, maxAttempts: Int = 5, idempotencyKey: String? = nil
    ) throws {
        self.init(
            kind: kind, payload: try PostgresJSON(encoding: payload), lane: lane, priority: priority,
            runAt: runAt, maxAttempts: maxAttempts, idempotencyKey: idempotencyKey)
    }

    /// Throws `.invalidJob` for values the schema would refuse, with a clearer message.
    func validate() throws {
        guard !kind.isEmpty, kind.utf8.count <= 128 else {
            throw QueueError(.invalidJob, "kind must be 1 to 128 bytes, got '\(kind)'")
        }
        // The allowed characters are single bytes, so checking the UTF-8 bytes is enough.
        guard !lane.isEmpty, lane.utf8.count <= 32,
            lane.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else {
            throw QueueError(.invalidJob, "lane must match [a-z0-9_]{1,32}, got '\(lane)'")
        }
        guard (Int(Int16.min)...Int(Int16.max)).contains(priority) else {
            throw QueueError(.invalidJob, "priority \(priority) is outside \(Int16.min)...\(Int16.max)")
        }
        guard maxAttempts >= 1, maxAttempts <= Int(Int32.max) else {
            throw QueueError(.invalidJob, "maxAttempts must be at least 1, got \(maxAttempts)")
        }
        if let idempotencyKey, idempotencyKey.isEmpty {
            throw QueueError(.invalidJob, "an idempotency key may not be empty (use nil for none)")
        }
    }
}

/// What one enqueue did for one job.
public struct EnqueuedJob: Sendable, Hashable {
    /// The job's id: new, or the existing job's when the idempotency key was taken.
    public let id: Int64
    /// False when the idempotency key matched an existing job and nothing was added.
    public let inserted: Bool
}
