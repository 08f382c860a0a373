/// The queue's named SQL statements, read from the `-- name: X` blocks of the `.sql` files in
/// `Queue/Queries` (bundled with the module).
///
/// This is the only way queue code obtains SQL (see `QueryCatalog`). A test prepares each
/// statement against a migrated database.
public enum QueueQuery: String, NamedQuery {
    case enqueueJobs = "EnqueueJobs"
    case enqueueUnkeyedJobs = "EnqueueUnkeyedJobs"
    case enqueueJob = "EnqueueJob"
    case jobIDsForKeys = "JobIDsForKeys"
    case claimJobs = "ClaimJobs"
    case heartbeatJobs = "HeartbeatJobs"
    case completeJob = "CompleteJob"
    case completeJobs = "CompleteJobs"
    case failJob = "FailJob"
    case cancelClaimedJob = "CancelClaimedJob"
    case releaseJobs = "ReleaseJobs"
    case rescueJobs = "RescueJobs"
    case archiveFinishedJobs = "ArchiveFinishedJobs"
    case deleteArchivedJobs = "DeleteArchivedJobs"
    case getJob = "GetJob"
    case listJobs = "ListJobs"
    case retryJob = "RetryJob"
    case retryDeadJobs = "RetryDeadJobs"
    case cancelJob = "CancelJob"
    case countJobs = "CountJobs"
    case countRecentOutcomes = "CountRecentOutcomes"
    case listQuarantines = "ListQuarantines"
    case liftQuarantine = "LiftQuarantine"
    case resetContentKills = "ResetContentKills"
    case recordWorkerKill = "RecordWorkerKill"
    case countLiveJobs = "CountLiveJobs"
    case countFinishedJobs = "CountFinishedJobs"
    case jobsPerMinute = "JobsPerMinute"
    case failureCodes = "FailureCodes"
    case queueDaemons = "QueueDaemons"
    case recordPresence = "RecordPresence"
    case forgetPresence = "ForgetPresence"
    case databaseHealth = "DatabaseHealth"

    /// The statement's text. Throws `DatabaseError` `.queryMissing` when the bundled files lack it.
    public func sql() throws -> String {
        try text
    }

    static let catalog = QueryCatalog(folder: "Queries")
}
