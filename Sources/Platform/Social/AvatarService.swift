import Foundation

/// Avatars: an upload is stored privately and processed by a `user.avatar` job (the photo
/// pipeline with the avatar preset, in a worker child); the job's completion makes it the
/// user's avatar and removes the user's older avatars, rows and files (migration 0019).
public struct AvatarService: Sendable {
    let pool: DatabasePool
    let store: ObjectStore

    /// The job kind that processes an avatar.
    public static let jobKind = "user.avatar"
    /// The files every avatar's renditions hold under its store prefix: the avatar preset's
    /// `150` and `320` renditions in JPEG and WebP. The composition root checks a processed
    /// avatar's manifest against this list before publishing it.
    public static let renditionPaths = ["150.jpg", "150.webp", "320.jpg", "320.webp"]

    /// What a `user.avatar` job carries.
    public struct Payload: Codable, Sendable, Equatable {
        public var avatarID: Int64

        /// The job of avatar `avatarID`.
        public init(avatarID: Int64) { self.avatarID = avatarID }

        enum CodingKeys: String, CodingKey { case avatarID = "avatar_id" }
    }

    /// A service on `pool` storing uploads in `store`.
    public init(pool: DatabasePool, store: ObjectStore) {
        self.pool = pool
        self.store = store
    }

    /// The URLs of an avatar whose renditions are under `prefix`: under `/media/`, or under
    /// `links`' base (`--public-media-url`).
    static func view(prefix: String, links: MediaLinks = MediaLinks()) -> AvatarView {
        func url(_ path: String) -> String { links.url(forKey: (prefix.hasSuffix("/") ? prefix : prefix + "/") + path) }
        return AvatarView(url150: url("150.jpg"), url320: url("320.jpg"), webp150: url("150.webp"), webp320: url("320.webp"))
    }

    /// Records a new avatar for `userID` from the photo spooled at `path`, stores it privately
    /// and enqueues its job, in one transaction; 404 when the user is unknown or being deleted.
    public func upload(userID: Int64, path: String) async throws -> AvatarUpload {
        let store = self.store
        let avatarID = try await pool.transaction { connection -> Int64 in
            guard let row = try connection.query(SocialQuery.insertAvatar, [userID]).first else {
                throw SocialError.notFound("user")
            }
            let avatarID = try row["id", as: Int64.self]
            let key = try ObjectKey.avatarUpload(avatarID: avatarID)
            _ = try store.put(key, fromFile: path)
            do {
                try JobQueue.enqueue(
                    try NewJob(
                        kind: Self.jobKind, encoding: Payload(avatarID: avatarID), lane: "photo",
                        idempotencyKey: "\(Self.jobKind):\(avatarID)"),
                    on: connection)
            } catch {
                _ = try? store.delete(key)
                throw error
            }
            return avatarID
        }
        return AvatarUpload(avatarID: String(avatarID), status: "processing")
    }

    /// The job's completion, on its transaction: the avatar's renditions are published under
    /// `prefix`. It becomes the user's avatar unless a newer one is current already (then it
    /// goes itself); the user's older avatars go, rows and files; its upload goes. Returns the
    /// number of objects removed.
    public static func complete(avatarID: Int64, prefix: String, store: ObjectStore, on connection: DatabaseConnection) throws -> Int {
        var removed = 0
        defer { _ = try? store.delete(try ObjectKey.avatarUpload(avatarID: avatarID)) }
        guard let row = try connection.query(SocialQuery.lockAvatar, [avatarID]).first else {
            // The user was deleted meanwhile (the rows went with it): the outputs go too.
            return try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: avatarID))
        }
        let userID = try row["user_id", as: Int64.self]
        if try row["user_deleted", as: Bool.self] {
            try connection.query(SocialQuery.deleteAvatar, [avatarID])
            return try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: avatarID))
        }
        try connection.query(SocialQuery.markAvatarReady, [avatarID, prefix])
        guard try !connection.query(SocialQuery.setCurrentAvatar, [userID, avatarID, prefix]).isEmpty else {
            try connection.query(SocialQuery.deleteAvatar, [avatarID])
            return try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: avatarID))
        }
        for older in try connection.query(SocialQuery.olderAvatars, [userID, avatarID]) {
            let id = try older["id", as: Int64.self]
            try connection.query(SocialQuery.deleteAvatar, [id])
            removed += try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: id))
        }
        return removed
    }

    /// The job's failure for a refused input: the avatar is `failed` with `code` and its upload
    /// goes; the user's avatar is unchanged. False when the avatar was not processing (its
    /// upload goes all the same).
    @discardableResult
    public static func fail(avatarID: Int64, code: String, store: ObjectStore, on connection: DatabaseConnection) throws -> Bool {
        let failed = try !connection.query(SocialQuery.markAvatarFailed, [avatarID, code]).isEmpty
        _ = try store.delete(try ObjectKey.avatarUpload(avatarID: avatarID))
        return failed
    }

    /// Removes every avatar of a user being deleted, rows and files; returns the objects removed.
    static func removeAll(userID: Int64, store: ObjectStore, on connection: DatabaseConnection) throws -> Int {
        var removed = 0
        for row in try connection.query(SocialQuery.userAvatars, [userID]) {
            let id = try row["id", as: Int64.self]
            removed += try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: id))
            if try store.delete(try ObjectKey.avatarUpload(avatarID: id)) { removed += 1 }
            try connection.query(SocialQuery.deleteAvatar, [id])
        }
        return removed
    }
}
