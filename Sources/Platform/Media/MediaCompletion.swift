/// The writes that finish a media job, run on the job's completion connection so the media
/// row and the job change in one transaction. Blocking (libpq).
public struct MediaCompletion: Sendable {
    /// This daemon's in-memory indexes; they catch up with changes written by any daemon.
    public let indexes: DedupIndexes
    /// Which earlier media a new one nearly duplicates.
    let search: NearDuplicateSearch

    /// Near-duplicates are hashes within `maxDistance` (PDQ bits of 256); hashes below
    /// `minimumQuality` are ignored; `videoRule` says how much of two videos' frames must match.
    public init(
        indexes: DedupIndexes = DedupIndexes(), maxDistance: Int = 31, minimumQuality: Int = 50,
        videoRule: VideoHashMatcher.Rule = .bothWays
    ) {
        self.indexes = indexes
        search = NearDuplicateSearch(
            indexes: indexes, maxDistance: maxDistance, minimumQuality: minimumQuality, videoRule: videoRule)
    }

    /// Records `outcome` as the media's ready state, with the nearest earlier near-duplicate
    /// that is not deleted. Returns false, recording nothing, when the media itself was deleted
    /// meanwhile (its last post went while it was processing): the caller removes its outputs.
    @discardableResult
    public func markReady(_ outcome: Outcome, on connection: DatabaseConnection) throws -> Bool {
        try indexes.catchUp(on: connection)
        var duplicate = try search.nearest(to: outcome, on: connection)
        // The match is locked against deletion until commit. One deleted since the catch-up
        // is dropped by the next catch-up (its hash change committed with the deletion).
        let lockLive = try MediaQuery.lockLiveMedia.sql()
        var attempts = 0
        while let match = duplicate, try connection.query(lockLive, [match.id]).isEmpty {
            attempts += 1
            guard attempts < Self.maximumMatchAttempts else {
                duplicate = nil
                break
            }
            try indexes.catchUp(on: connection)
            duplicate = try search.nearest(to: outcome, on: connection)
        }
        try NotificationEvents.mediaFinished(mediaID: outcome.mediaID, ready: true, on: connection)
        let updated = try connection.query(
            try MediaQuery.markMediaReady.sql(),
            [
                outcome.mediaID, PostgresJSON(text: outcome.manifestJSON), PostgresJSON(text: outcome.inputJSON),
                outcome.presetName, outcome.presetVersion, outcome.pdq?.hex, outcome.pdqQuality, outcome.phash,
                duplicate?.id, duplicate?.distance,
            ])
        guard updated.affectedRows == 1 else { return false }
        // Posts waiting on this media reach their followers' feeds now, in the same transaction.
        let posts = try connection.query(try MediaQuery.postsOnMedia.sql(), [outcome.mediaID])
        let fanOuts = try posts.map { row in try MediaJobs.fanOut(postID: try row["id", as: Int64.self]) }
        try JobQueue.enqueue(fanOuts, on: connection)
        if outcome.frames.isEmpty {
            try connection.query(try MediaQuery.deleteFrameHashes.sql(), [outcome.mediaID])
        } else {
            try connection.query(
                try MediaQuery.replaceFrameHashes.sql(),
                [
                    outcome.mediaID, PostgresArray(outcome.frames.map(\.tMs)),
                    PostgresArray(outcome.frames.map(\.hash.hex)), PostgresArray(outcome.frames.map(\.quality)),
                ])
        }
        try DedupIndexes.recordChange(mediaID: outcome.mediaID, on: connection)
        return true
    }

    /// Near-duplicate candidates found deleted, at most, before a media is recorded without one.
    static let maximumMatchAttempts = 8

    /// The job kind that copies a ready post into its author's followers' timelines.
    public static let fanOutJobKind = "feed.fanout"

    /// Records a permanent failure (bad or over-limit input) on the media row.
    public static func markFailed(mediaID: Int64, code: String, message: String, on connection: DatabaseConnection) throws {
        try NotificationEvents.mediaFinished(mediaID: mediaID, ready: false, on: connection)
        try connection.query(try MediaQuery.markMediaFailed.sql(), [mediaID, code, message])
    }

    /// Deleted media: clears its hashes and frame hashes and records the change, so no daemon's
    /// index offers it as a near-duplicate of a later upload.
    public static func clearHashes(mediaID: Int64, on connection: DatabaseConnection) throws {
        try connection.query(try MediaQuery.clearMediaHashes.sql(), [mediaID])
        try connection.query(try MediaQuery.deleteFrameHashes.sql(), [mediaID])
        try DedupIndexes.recordChange(mediaID: mediaID, on: connection)
    }

    /// Marks a media deleted (its last live post is gone), in the caller's transaction: the
    /// row stays, its SHA-256 no longer counts for exact duplicates and its hashes leave every
    /// index. The caller has locked the media row and checked that no live post shows it.
    /// Returns false when it was deleted already.
    public static func markDeleted(mediaID: Int64, on connection: DatabaseConnection) throws -> Bool {
        guard try connection.query(try MediaQuery.markMediaDeleted.sql(), [mediaID]).first != nil else { return false }
        try connection.query(try MediaQuery.deleteFrameHashes.sql(), [mediaID])
        try DedupIndexes.recordChange(mediaID: mediaID, on: connection)
        return true
    }

    /// Whether the media is deleted (or unknown); a file removal job checks before removing.
    public static func isDeleted(mediaID: Int64, on connection: DatabaseConnection) throws -> Bool {
        try connection.query(try MediaQuery.lockLiveMedia.sql(), [mediaID]).isEmpty
    }

    /// Applies hash changes written since the indexes' watermark, by this daemon or another.
    public func catchUp(on connection: DatabaseConnection, batchSize: Int = 10_000) throws {
        try indexes.catchUp(on: connection, batchSize: batchSize)
    }
}
