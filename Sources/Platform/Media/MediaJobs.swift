/// The jobs a media's life needs, built in one place: processing (`media.photo` /
/// `media.video`), removal of a deleted media's files (`media.delete`) and a ready post's
/// fan-out (`feed.fanout`). Every producer (HTTP uploads, the CLI's ingest, the reconciler)
/// enqueues through these, so every processing job carries its input's content key.
public enum MediaJobs {
    /// The job kind that removes a deleted media's renditions and, when no live media holds the
    /// same bytes, its original.
    public static let deleteJobKind = "media.delete"

    /// Prefix of the idempotency key of a media's first processing job: `media:<id>`.
    public static let processingKeyPrefix = "media:"

    /// The processing job of a new media, keyed `media:<id>`, with the original's SHA-256 as
    /// its content key (the queue quarantines inputs that keep killing workers by it).
    /// `lane` defaults to the kind's own lane.
    public static func processing(
        mediaID: Int64, kind: String, originalKey: String, sha256: String, lane: String? = nil, priority: Int = 0
    ) throws -> NewJob {
        try NewJob(
            kind: MediaJobPayload.jobKind(for: kind),
            encoding: MediaJobPayload(mediaID: mediaID, kind: kind, originalKey: originalKey, sha256: sha256),
            lane: lane ?? kind, priority: priority, idempotencyKey: processingKeyPrefix + String(mediaID))
    }

    /// Removal of a deleted media's files, keyed `media.delete:<id>`.
    public static func deletion(mediaID: Int64) throws -> NewJob {
        try NewJob(kind: deleteJobKind, encoding: ["media_id": mediaID], idempotencyKey: "media.delete:\(mediaID)")
    }

    /// Copying a ready post into its author's followers' timelines, keyed `feed.fanout:<id>`.
    public static func fanOut(postID: Int64) throws -> NewJob {
        try NewJob(
            kind: MediaCompletion.fanOutJobKind, encoding: ["post_id": postID], lane: "default",
            idempotencyKey: "feed.fanout:\(postID)")
    }
}
