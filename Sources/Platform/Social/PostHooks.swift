/// What the post service asks of the rest of the daemon; the composition root wires these to
/// the job queue (`media.photo` or `media.video`, `media.delete`, `feed.fanout`).
public struct PostHooks: Sendable {
    /// Enqueues processing of a newly stored original (kind, store key and SHA-256 in `original`).
    public var enqueueProcessing: @Sendable (_ mediaID: Int64, _ original: StoredOriginal) async throws -> Void
    /// Enqueues removal of a media's files once no live post uses it.
    public var enqueueDeletion: @Sendable (_ mediaID: Int64) async throws -> Void
    /// Enqueues `feed.fanout` for a post created on media that is already ready (an exact
    /// duplicate); posts on new media are fanned out when their processing completes.
    public var enqueueFanOut: @Sendable (_ postID: Int64) async throws -> Void

    /// Hooks with the given actions.
    public init(
        enqueueProcessing: @escaping @Sendable (_ mediaID: Int64, _ original: StoredOriginal) async throws -> Void,
        enqueueDeletion: @escaping @Sendable (_ mediaID: Int64) async throws -> Void,
        enqueueFanOut: @escaping @Sendable (_ postID: Int64) async throws -> Void
    ) {
        self.enqueueProcessing = enqueueProcessing
        self.enqueueDeletion = enqueueDeletion
        self.enqueueFanOut = enqueueFanOut
    }
}

/// An original already in the object store, described for `PostService.create`.
public struct StoredOriginal: Sendable {
    public var sha256: String
    public var kind: MediaKind
    public var key: String
    public var bytes: Int64
    public var originalName: String?

    /// An original stored under `key`.
    public init(sha256: String, kind: MediaKind, key: String, bytes: Int64, originalName: String?) {
        self.sha256 = sha256
        self.kind = kind
        self.key = key
        self.bytes = bytes
        self.originalName = originalName
    }
}
