public import CoreMetrics
import Foundation

extension QueueRunner {
    /// One lane and how many threads run its jobs. Lanes never share threads, so a deep
    /// backlog lane cannot delay a fresh-upload lane, and heavy video cannot starve photos.
    public struct Lane: Sendable, Hashable {
        public var name: String
        /// Dedicated threads, each running one blocking handler at a time.
        public var threads: Int

        public init(_ name: String, threads: Int) {
            self.name = name
            self.threads = threads
        }
    }

    /// How a runner claims, leases and stops. Defaults suit production.
    public struct Configuration: Sendable {
        /// The database, for the lane threads' own connections and the listener.
        public var database: DatabasePool.Configuration
        /// This process's lease owner id: must be unique among live processes.
        public var owner: String
        public var lanes: [Lane]
        /// How long a claim (and each heartbeat) holds a job. A crashed worker's jobs come back
        /// this long after its last heartbeat.
        public var leaseDuration: Duration
        /// Time between batched heartbeats; well under `leaseDuration`.
        public var heartbeatInterval: Duration
        /// How long an idle thread waits for a NOTIFY before claiming anyway.
        public var pollInterval: Duration
        /// On shutdown, how long running jobs may take to finish before they are released.
        public var shutdownGracePeriod: Duration
        /// Delay before a transient failure's retry.
        public var backoff: JobBackoff
        /// Jobs a lane thread claims at once and runs one after another; their completions
        /// (those without a result write) are recorded in one statement. Keep 1 for long media
        /// jobs (claimed jobs wait behind the running one); raise it for many short jobs.
        public var claimBatchSize: Int
        /// Where job durations (`mediadaemon_job_duration_seconds`, by kind) and failed attempts
        /// (`mediadaemon_job_failures_total`, by code) are recorded.
        public var metrics: any MetricsFactory
        /// A line the runner records with its presence every 15 s for the operator page (serve:
        /// its worker children and their crashes); nil records none.
        public var presenceDetail: (@Sendable () -> String)? = nil

        public init(
            database: DatabasePool.Configuration, lanes: [Lane], owner: String = Configuration.defaultOwner(),
            leaseDuration: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(10),
            pollInterval: Duration = .seconds(2), shutdownGracePeriod: Duration = .seconds(30),
            backoff: JobBackoff = JobBackoff(), claimBatchSize: Int = 1, metrics: any MetricsFactory = MetricsSystem.factory
        ) {
            self.database = database
            self.owner = owner
            self.lanes = lanes
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval
            self.pollInterval = pollInterval
            self.shutdownGracePeriod = shutdownGracePeriod
            self.backoff = backoff
            self.claimBatchSize = claimBatchSize
            self.metrics = metrics
        }

        /// `host/pid/random`: unique per process, readable in `jobs list`.
        public static func defaultOwner() -> String {
            let random = String(UInt32.random(in: 0...UInt32.max), radix: 36)
            return "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(random)"
        }

        /// Throws `.invalidConfiguration` for no lanes, a lane without threads or with a bad
        /// name, a heartbeat not shorter than the lease, or a non-positive interval.
        public func validate() throws {
            guard !lanes.isEmpty else { throw QueueError(.invalidConfiguration, "a runner needs at least one lane") }
            for lane in lanes {
                try NewJob(kind: "lane-check", lane: lane.name).validate()
                guard lane.threads >= 1 else {
                    throw QueueError(.invalidConfiguration, "lane \(lane.name) needs at least one thread")
                }
            }
            guard Set(lanes.map(\.name)).count == lanes.count else {
                throw QueueError(.invalidConfiguration, "lane names must be unique")
            }
            guard claimBatchSize >= 1 else {
                throw QueueError(.invalidConfiguration, "claimBatchSize must be at least 1")
            }
            guard !owner.isEmpty else { throw QueueError(.invalidConfiguration, "the lease owner id is empty") }
            guard heartbeatInterval > .zero, pollInterval > .zero, heartbeatInterval < leaseDuration,
                shutdownGracePeriod >= .zero
            else {
                throw QueueError(
                    .invalidConfiguration,
                    "need 0 < heartbeatInterval < leaseDuration, pollInterval > 0 and shutdownGracePeriod ≥ 0")
            }
            try backoff.validate()
        }
    }
}
