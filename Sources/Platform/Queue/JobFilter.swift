/// Which jobs an operator means: each field that is set must match (nil matches anything).
/// `jobs list`, bulk retry and the operator page filter with it.
public struct JobFilter: Sendable, Hashable {
    public var state: JobState?
    public var kind: String?
    public var lane: String?
    /// The code of the job's last error (`errors[-1].code`, e.g. `bad_input`, `stalled`).
    public var errorCode: String?
    /// The input the job names (`jobs.content_key`; for media, the original's SHA-256).
    public var contentKey: String?

    /// A filter of the given fields.
    public init(
        state: JobState? = nil, kind: String? = nil, lane: String? = nil, errorCode: String? = nil,
        contentKey: String? = nil
    ) {
        self.state = state
        self.kind = kind
        self.lane = lane
        self.errorCode = errorCode
        self.contentKey = contentKey
    }
}
