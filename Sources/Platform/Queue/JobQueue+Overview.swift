public import Foundation

/// The operator page's view of the queue: live depth per lane, what finished recently, the
/// failures by code and the daemons holding jobs. Every query walks a partial index of live or
/// recently finished jobs (see `Queries/overview.sql`), never the whole history.
extension JobQueue {
    /// Per lane: available and running jobs, the oldest due job's age, and what finished in the
    /// last `window`. Lanes with none of these are absent. Sorted by lane.
    public func laneActivity(window: Duration = .seconds(3600)) async throws -> [LaneActivity] {
        var lanes = [String: LaneActivity]()
        for row in try await pool.query(try QueueQuery.countLiveJobs.sql()) {
            let lane: String = try row.decode(column: "lane")
            var activity = lanes[lane] ?? LaneActivity(lane: lane)
            let count: Int = try row.decode(column: "count")
            if try row.decode(String.self, column: "state") == JobState.available.rawValue {
                activity.available = count
                activity.oldestAvailableSeconds = try row.decode(column: "oldest_due_seconds")
            } else {
                activity.running = count
            }
            lanes[lane] = activity
        }
        for row in try await pool.query(try QueueQuery.countFinishedJobs.sql(), [window.queueSeconds]) {
            let lane: String = try row.decode(column: "lane")
            var activity = lanes[lane] ?? LaneActivity(lane: lane)
            let count: Int = try row.decode(column: "count")
            switch JobState(rawValue: try row.decode(String.self, column: "state")) {
            case .succeeded: activity.succeeded = count
            case .dead: activity.dead = count
            default: activity.cancelled = count
            }
            lanes[lane] = activity
        }
        return lanes.values.sorted { $0.lane < $1.lane }
    }

    /// Jobs that succeeded and went dead in each of the last `minutes` minutes, oldest first
    /// (the current, unfinished minute last): exactly `minutes` entries.
    public func throughput(minutes: Int = 60) async throws -> [MinuteOutcomes] {
        let rows = try await pool.query(try QueueQuery.jobsPerMinute.sql(), [Int32(clamping: min(max(minutes, 1), 1440))])
        return try rows.map {
            MinuteOutcomes(
                minute: try $0.decode(column: "minute"), succeeded: try $0.decode(column: "succeeded"),
                dead: try $0.decode(column: "dead"))
        }
    }

    /// Jobs that went dead in the last `window`, counted by the code of their last error, most
    /// frequent first.
    public func failureCodes(window: Duration = .seconds(86_400)) async throws -> [FailureCount] {
        try await pool.query(try QueueQuery.failureCodes.sql(), [window.queueSeconds]).map {
            FailureCount(
                code: try $0.decode(column: "code"), jobs: try $0.decode(column: "jobs"),
                inputs: try $0.decode(column: "inputs"), newestJobID: try $0.decode(column: "newest_job_id"),
                lastAt: try $0.decode(column: "last_at"))
        }
    }

    /// The daemons running queue workers (seen within `window`), and any other lease owner
    /// holding running jobs, with their lanes, job count and newest sign of life.
    public func daemons(window: Duration = .seconds(60)) async throws -> [QueueOwner] {
        try await pool.query(try QueueQuery.queueDaemons.sql(), [window.queueSeconds]).map {
            QueueOwner(
                owner: try $0.decode(column: "owner"),
                lanes: try $0.decode(String.self, column: "lanes").split(separator: ",").map(String.init),
                running: try $0.decode(column: "running"), lastHeartbeat: try $0.decode(column: "last_heartbeat"),
                startedAt: try $0.decode(column: "started_at"), detail: try $0.decode(column: "detail"))
        }
    }
}

/// One lane's live depth and recent outcomes.
public struct LaneActivity: Sendable, Hashable, Codable {
    public var lane: String
    public var available = 0
    public var running = 0
    /// How long the oldest due available job has waited, in seconds; nil when none is due.
    public var oldestAvailableSeconds: Double?
    /// Finished in the window asked for (and not yet archived).
    public var succeeded = 0
    public var dead = 0
    public var cancelled = 0

    init(lane: String) { self.lane = lane }
}

/// What finished in one minute.
public struct MinuteOutcomes: Sendable, Hashable, Codable {
    /// The minute's start.
    public var minute: Date
    public var succeeded: Int
    public var dead: Int
}

/// Dead jobs of one error code in a window.
public struct FailureCount: Sendable, Hashable, Codable {
    public var code: String
    public var jobs: Int
    /// Distinct inputs (content keys) among those jobs.
    public var inputs: Int
    public var newestJobID: Int64
    public var lastAt: Date
}

/// A daemon running queue workers: its owner id (see `QueueRunner.Configuration.owner`).
public struct QueueOwner: Sendable, Hashable, Codable {
    public var owner: String
    /// Its lanes with their threads (`photo×4`), or for a daemon known only by its running jobs,
    /// those jobs' lanes.
    public var lanes: [String]
    public var running: Int
    /// Its newest presence record or job heartbeat.
    public var lastHeartbeat: Date?
    /// When its runner started (nil for a daemon known only by its running jobs).
    public var startedAt: Date?
    /// What the daemon says of itself (`QueueRunner.Configuration.presenceDetail`).
    public var detail: String?
}
