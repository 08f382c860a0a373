/// `POST /api/v1/users` answer.
public struct RegisteredUser: Codable, Sendable, Equatable {
    public var userID: String
    public var username: String
}

/// `POST /api/v1/sessions` answer; the token is shown once and stored only hashed.
public struct NewSession: Codable, Sendable, Equatable {
    public var token: String
    public var userID: String
}

/// A profile with the counts kept on the user row.
public struct UserProfile: Codable, Sendable, Equatable {
    public var userID: String
    public var username: String
    public var bio: String
    public var followerCount: Int64
    public var followingCount: Int64
    public var postCount: Int64
}
