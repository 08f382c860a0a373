public import Foundation

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
    public var displayName: String
    public var bio: String
    /// The current avatar's renditions; nil until a first avatar is ready.
    public var avatar: AvatarView?
    public var followerCount: Int64
    public var followingCount: Int64
    public var postCount: Int64
}

/// An avatar's renditions: square crops of 150 and 320 pixels, JPEG and WebP.
public struct AvatarView: Codable, Sendable, Equatable {
    public var url150: String
    public var url320: String
    public var webp150: String
    public var webp320: String
}

/// `PUT /api/v1/users/me/avatar` answer: the avatar being processed.
public struct AvatarUpload: Codable, Sendable, Equatable {
    public var avatarID: String
    public var status: String
}

/// A user in a block or mute list, with when the relation began.
public struct RelatedUser: Codable, Sendable, Equatable {
    public var userID: String
    public var username: String
    public var since: Date
}

/// A page of blocked or muted users, newest first.
public struct RelatedUserPage: Codable, Sendable, Equatable {
    public var users: [RelatedUser]
    public var nextCursor: String?
}

/// `PUT` and `DELETE /api/v1/users/{id}/block` answer.
public struct BlockState: Codable, Sendable, Equatable {
    public var blocking: Bool
}

/// `PUT` and `DELETE /api/v1/users/{id}/mute` answer.
public struct MuteState: Codable, Sendable, Equatable {
    public var muting: Bool
}
