import Foundation

/// Posts: creation (media row + post + idempotency key + job in one transaction), reads, deletion
/// by the author, and profile pages.
public struct PostService: Sendable {
    let pool: DatabasePool
    let hooks: PostHooks
    /// Where post and profile-page reads go when set (see `ReadReplica`).
    let replica: ReadReplica?
    /// Where post views say renditions are.
    let links: MediaLinks

    /// A service on `pool` calling `hooks` inside its transactions.
    public init(pool: DatabasePool, hooks: PostHooks, replica: ReadReplica? = nil, links: MediaLinks = MediaLinks()) {
        self.pool = pool
        self.replica = replica
        self.hooks = hooks
        self.links = links
    }

    /// Creates a post for an original, in one transaction with its media row, its idempotency
    /// key and its job (processing for a new media, fan-out for a post on ready media).
    ///
    /// The request is validated before anything is stored. The same `idempotencyKey` from the
    /// same user returns the first post again when the content is the same, and throws 422
    /// `idempotency_key_reused` when it is not; neither stores anything. Otherwise
    /// `storeOriginal` puts the original into the store under the shared lock of its SHA-256,
    /// held until the media row commits (see `MediaFiles`). An original already known by
    /// SHA-256 reuses its media row unless that media was deleted.
    public func create(
        userID: Int64, original: StoredOriginal, caption: String, idempotencyKey: String?,
        storeOriginal: @escaping @Sendable () throws -> Void = {}
    ) async throws -> CreatedPost {
        try Self.validate(caption: caption, idempotencyKey: idempotencyKey, filename: original.originalName)
        let hooks = self.hooks
        return try await pool.transaction { connection -> CreatedPost in
            if let key = idempotencyKey {
                // Serialises retries of one key; released at commit.
                try connection.query(SocialQuery.lockIdempotencyKey, [String(userID), key])
                let existing = try connection.query(SocialQuery.postForIdempotencyKey, [userID, key])
                if let row = existing.first {
                    guard try row["sha256", as: String.self] == original.sha256 else {
                        throw SocialError(
                            .unprocessable, "idempotency_key_reused",
                            "this Idempotency-Key was used for a different file; use a new key for a new post")
                    }
                    return CreatedPost(
                        postID: String(try row["id", as: Int64.self]), status: try row["status", as: String.self],
                        createdAt: try row["created_at", as: Date.self])
                }
            }
            try MediaFiles.lockOriginalForWriting(sha256: original.sha256, on: connection)
            try storeOriginal()
            // A known media is locked against deletion until commit; one deleted before the
            // lock no longer holds these bytes, so the insert is tried again.
            let media: [(any PostgresEncodable)?] = [
                original.sha256, original.kind.rawValue, original.key, original.originalName, original.bytes,
            ]
            var inserted = try connection.query(try MediaQuery.insertMedia.sql(), media)
            var known: Int64?
            while inserted.isEmpty, known == nil {
                if let row = try connection.query(try MediaQuery.mediaBySHA256.sql(), [original.sha256]).first {
                    known = try row["id", as: Int64.self]
                } else {
                    inserted = try connection.query(try MediaQuery.insertMedia.sql(), media)
                }
            }
            let mediaID = try known ?? inserted[0]["id", as: Int64.self]
            let post = try connection.query(SocialQuery.insertPost, [userID, mediaID, caption])
            let postID = try post[0]["id", as: Int64.self]
            try connection.query(SocialQuery.addPostCount, [userID])
            try NotificationEvents.mentions(in: caption, actor: userID, postID: postID, on: connection)
            try Hashtags.record(in: caption, postID: postID, on: connection)
            if let key = idempotencyKey {
                try connection.query(SocialQuery.insertPostIdempotency, [userID, key, postID])
            }
            let status = try connection.query(SocialQuery.mediaStatus, [mediaID])[0]["status", as: String.self]
            if !inserted.isEmpty {
                try hooks.enqueueProcessing(mediaID, original, connection)
            } else if status == "ready" {
                try hooks.enqueueFanOut(postID, connection)
            } else if status == "blocked" {
                // The same bytes as a media the hash list blocked: hidden like its other posts.
                try Blocklist.hideNewPost(postID: postID, on: connection)
            }
            return CreatedPost(
                postID: String(postID), status: status, createdAt: try post[0]["created_at", as: Date.self])
        }
    }

    /// Throws 400 for a caption over 2200 characters, an Idempotency-Key that is empty or over
    /// 255 bytes, or a NUL in the caption or the file name (`invalid_text`: the stored name
    /// would be cut at it); the upload route calls it before storing anything.
    public static func validate(caption: String, idempotencyKey: String?, filename: String? = nil) throws {
        try StoredText.refuseNUL(caption, field: "the caption")
        if let filename { try StoredText.refuseNUL(filename, field: "the file name") }
        guard StoredText.length(caption) <= 2200 else {
            throw SocialError(.invalid, "caption_too_long", "captions are at most 2200 code points")
        }
        if let key = idempotencyKey, key.isEmpty || key.utf8.count > 255 {
            throw SocialError(.invalid, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 bytes")
        }
    }

    /// A live post; 404 for unknown or deleted posts, and for one whose author and `viewer`
    /// block each other. Read from the replica when there is one; a post it does not know yet
    /// (created within its lag) is looked up on the primary.
    public func get(postID: Int64, viewer: Int64? = nil) async throws -> PostView {
        var rows = try await pool.read(via: replica) { try $0.query(SocialQuery.getPost, [postID, viewer]) }
        if rows.isEmpty, replica != nil { rows = try await pool.query(SocialQuery.getPost, [postID, viewer]) }
        guard let row = rows.first else { throw SocialError.notFound("post") }
        return try PostQuery.view(row, links: links)
    }

    /// Deletes a post: 404 unknown, 403 not the author. When no live post shows its media any
    /// more, the media is marked deleted at once (the same bytes uploaded later are a new
    /// media) and the job removing its files is enqueued in the same transaction.
    public func delete(userID: Int64, postID: Int64) async throws {
        let hooks = self.hooks
        try await pool.transaction { connection in
            let rows = try connection.query(SocialQuery.lockPostForDelete, [postID])
            guard let row = rows.first else { throw SocialError.notFound("post") }
            guard try row["user_id", as: Int64.self] == userID else {
                throw SocialError(.forbidden, "not_author", "only the author can delete a post")
            }
            try Self.deleteLocked(
                postID: postID, authorID: userID, mediaID: try row["media_id", as: Int64.self],
                enqueueDeletion: hooks.enqueueDeletion, on: connection)
        }
    }

    /// What deleting a live post (locked by the caller) does, for a deletion by its author and
    /// for an account's deletion alike: marked deleted, the author's count lowered, out of every
    /// timeline, its tags forgotten, and when no live post shows its media any more the media
    /// marked deleted with its file removal enqueued by `enqueueDeletion`.
    static func deleteLocked(
        postID: Int64, authorID: Int64, mediaID: Int64,
        enqueueDeletion: (Int64, DatabaseConnection) throws -> Void, on connection: DatabaseConnection
    ) throws {
        try connection.query(SocialQuery.markPostDeleted, [postID])
        try connection.query(SocialQuery.subtractPostCount, [authorID])
        try connection.query(SocialQuery.deletePostFromTimelines, [postID])
        try Hashtags.forget(postID: postID, on: connection)
        // Locked before counting the other posts: a post being created on this media holds
        // a share lock until it commits, so it is counted or it finds the media deleted.
        try connection.query(SocialQuery.lockMediaForPostCount, [mediaID])
        let others = try connection.query(SocialQuery.otherLivePostOnMedia, [mediaID])
        guard others.isEmpty, try MediaCompletion.markDeleted(mediaID: mediaID, on: connection) else { return }
        try enqueueDeletion(mediaID, connection)
    }

    /// A user's live posts, newest first; 404 for an unknown user. Read from the replica when
    /// there is one.
    public func posts(ofUser userID: Int64, page: PageRequest) async throws -> (posts: [PostView], next: String?) {
        let keys = page.keys
        let rows = try await pool.read(via: replica) {
            try $0.query(SocialQuery.userPostsPage, [userID, keys.micros, keys.id, page.limit + 1])
        }
        return try PostQuery.page(rows, limit: page.limit, links: links)
    }
}
