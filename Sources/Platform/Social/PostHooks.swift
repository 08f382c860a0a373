/// What the post service asks of the rest of the daemon, inside its transactions: each hook
/// runs on the transaction's connection, so the job exists exactly when the row it is about
/// does (a crash or an enqueue error rolls both back). `jobQueue` is the daemon's wiring
/// (`media.photo` or `media.video`, `media.delete`, `feed.fanout`); tests may record instead.
public struct PostHooks: Sendable {
    /// Enqueues processing of a newly recorded media (kind, store key and SHA-256 in `original`).
    public var enqueueProcessing:
        @Sendable (_ mediaID: Int64, _ original: StoredOriginal, _ connection: DatabaseConnection) throws -> Void
    /// Enqueues removal of a media's files once no live post uses it.
    public var enqueueDeletion: @Sendable (_ mediaID: Int64, _ connection: DatabaseConnection) throws -> Void
    /// Enqueues `feed.fanout` for a post created on media that is already ready (an exact
    /// duplicate); posts on new media are fanned out when their processing completes.
    public var enqueueFanOut: @Sendable (_ postID: Int64, _ connection: DatabaseConnection) throws -> Void

    /// Hooks with the given actions.
    public init(
        enqueueProcessing: @escaping @Sendable (_ mediaID: Int64, _ original: StoredOriginal, _ connection: DatabaseConnection)
            throws -> Void,
        enqueueDeletion: @escaping @Sendable (_ mediaID: Int64, _ connection: DatabaseConnection) throws -> Void,
        enqueueFanOut: @escaping @Sendable (_ postID: Int64, _ connection: DatabaseConnection) throws -> Void
    ) {
        self.enqueueProcessing = enqueueProcessing
        self.enqueueDeletion = enqueueDeletion
        self.enqueueFanOut = enqueueFanOut
    }

    /// The job queue's jobs from `MediaJobs` (idempotent per media or post), enqueued on the
    /// caller's transaction. Processing jobs carry the original's SHA-256 as their content key.
    public static let jobQueue = PostHooks(
        enqueueProcessing: { mediaID, original, connection in
            try JobQueue.enqueue(
                try MediaJobs.processing(
                    mediaID: mediaID, kind: original.kind.rawValue, originalKey: original.key, sha256: original.sha256),
                on: connection)
        },
        enqueueDeletion: { mediaID, connection in
            try JobQueue.enqueue(try MediaJobs.deletion(mediaID: mediaID), on: connection)
        },
        enqueueFanOut: { postID, connection in
            try JobQueue.enqueue(try MediaJobs.fanOut(postID: postID), on: connection)
        })
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
