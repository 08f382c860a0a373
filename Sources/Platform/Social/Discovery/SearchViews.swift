/// One user found by `GET /api/v1/search/users`.
public struct UserMatch: Codable, Sendable, Equatable {
    public var userID: String
    public var username: String
    public var displayName: String
    public var followerCount: Int64
}

/// `GET /api/v1/search/users` answer, best match first.
public struct UserMatches: Codable, Sendable, Equatable {
    public var users: [UserMatch]
}

/// One tag found by `GET /api/v1/search/tags`.
public struct TagMatch: Codable, Sendable, Equatable {
    public var name: String
    public var postCount: Int64
}

/// `GET /api/v1/search/tags` answer, most used first.
public struct TagMatches: Codable, Sendable, Equatable {
    public var tags: [TagMatch]
}

/// `GET /api/v1/tags/{tag}/posts` answer: the folded tag and a page of its posts, newest first.
public struct TagPosts: Codable, Sendable, Equatable {
    public var tag: String
    public var posts: [PostView]
    public var nextCursor: String?
}
