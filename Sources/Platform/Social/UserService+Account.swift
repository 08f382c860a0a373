import Foundation

/// What a user does to their own account: profile edits, password change, log-out everywhere,
/// and the deletion request that `AccountDeletion` carries out.
extension UserService {
    /// Longest display name, in Unicode scalars (`StoredText.length`; migration 0019's CHECK).
    public static let displayNameLimit = 50
    /// Longest bio, in Unicode scalars.
    public static let bioLimit = 160
    /// The job kind that deletes an account.
    public static let deletionJobKind = "user.delete"

    /// Changes the display name and/or the bio (nil: unchanged); 400 over the limits or with a
    /// NUL, 404 when the account is gone. Returns the profile as others see it.
    public func updateProfile(userID: Int64, displayName: String?, bio: String?) async throws -> UserProfile {
        for (value, field, limit) in [(displayName, "display_name", Self.displayNameLimit), (bio, "bio", Self.bioLimit)] {
            guard let value else { continue }
            try StoredText.refuseNUL(value, field: "the \(field)")
            guard StoredText.length(value) <= limit else {
                throw SocialError(.invalid, "\(field)_too_long", "the \(field) is at most \(limit) characters")
            }
        }
        guard try await pool.query(SocialQuery.updateProfile, [userID, displayName, bio]).first != nil else {
            throw SocialError.notFound("user")
        }
        return try await profile(userID: userID)
    }

    /// Changes the password after checking the current one (403 `wrong_password`), and revokes
    /// every other session of the user; the session `keepingToken` stays open.
    public func changePassword(userID: Int64, current: String, new: String, keepingToken token: String) async throws {
        try StoredText.refuseNUL(new, field: "a password")
        guard (8...72).contains(StoredText.length(new)) else {
            throw SocialError(.invalid, "invalid_password", "passwords are 8 to 72 characters long")
        }
        try await checkPassword(userID: userID, current)
        let hash = try await passwords.hash(new)
        let keep = Self.tokenHash(token)
        let revoked = try await pool.transaction { connection in
            try connection.query(SocialQuery.updatePassword, [userID, hash])
            return try connection.query(SocialQuery.revokeUserSessions, [userID, keep]).map { try $0["token_hash", as: String.self] }
        }
        sessions.invalidate(revoked)
    }

    /// Revokes every session of the user, the caller's own included.
    public func logOutEverywhere(userID: Int64) async throws {
        let revoked = try await pool.query(SocialQuery.revokeUserSessions, [userID, nil as String?])
        sessions.invalidate(try revoked.map { try $0["token_hash", as: String.self] })
    }

    /// Deletes the account after checking its password (403 `wrong_password`): in one
    /// transaction the account stops logging in and being shown, every session is revoked, its
    /// username is kept from new registrations for the grace period, and the `user.delete` job
    /// that removes everything else is enqueued.
    public func requestDeletion(userID: Int64, password: String) async throws {
        try await checkPassword(userID: userID, password)
        let grace = usernameGrace
        let revoked = try await pool.transaction { connection -> [String] in
            guard let row = try connection.query(SocialQuery.markUserDeleted, [userID]).first else {
                throw SocialError.notFound("user")
            }
            try connection.query(SocialQuery.insertTombstone, [try row["username", as: String.self], grace])
            // The backlog lane: a large account takes a while, and the default lane's one thread
            // carries the feed fan-outs.
            try JobQueue.enqueue(
                try NewJob(
                    kind: Self.deletionJobKind, encoding: ["user_id": userID], lane: "backlog", maxAttempts: 25,
                    idempotencyKey: "\(Self.deletionJobKind):\(userID)"),
                on: connection)
            return try connection.query(SocialQuery.revokeUserSessions, [userID, nil as String?])
                .map { try $0["token_hash", as: String.self] }
        }
        sessions.invalidate(revoked)
    }

    /// Throws 403 `wrong_password` unless `password` is the user's (404 when the account is gone).
    private func checkPassword(userID: Int64, _ password: String) async throws {
        try StoredText.refuseNUL(password, field: "a password")
        guard let row = try await pool.query(SocialQuery.userPasswordHash, [userID]).first else {
            throw SocialError.notFound("user")
        }
        guard try await passwords.verify(password, hash: try row["password_hash", as: String.self]) else {
            throw SocialError(.forbidden, "wrong_password", "the password is not right")
        }
    }
}
