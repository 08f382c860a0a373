public import Foundation

/// `POST /api/v1/posts` answer.
public struct CreatedPost: Codable, Sendable, Equatable {
    public var postID: String
    public var status: String
    public var createdAt: Date
}

/// One rendition a client can fetch under `/media/`.
public struct RenditionView: Codable, Sendable, Equatable {
    public var name: String
    public var format: String
    public var width: Int?
    public var height: Int?
    public var url: String
}

/// The media of a post: renditions once ready, plus HLS and poster for videos.
public struct MediaView: Codable, Sendable, Equatable {
    public var renditions: [RenditionView]
    public var hlsURL: String?
    public var poster: String?
}

/// The processing error of a failed post.
public struct PostErrorView: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
}

/// A post as every read route shows it.
public struct PostView: Codable, Sendable, Equatable {
    public var postID: String
    public var userID: String
    public var username: String
    /// The author's avatar, its 150 JPEG rendition; nil without one.
    public var authorAvatarURL: String?
    public var caption: String
    public var mediaType: String
    public var status: String
    public var media: MediaView
    public var likeCount: Int64
    public var commentCount: Int64
    public var createdAt: Date
    public var error: PostErrorView?
}

/// A page of posts, newest first.
public struct PostPage: Codable, Sendable, Equatable {
    public var posts: [PostView]
    public var nextCursor: String?
}

/// `GET /api/v1/users/{id}/posts` answer.
public struct ProfilePosts: Codable, Sendable, Equatable {
    public var user: UserProfile
    public var posts: [PostView]
    public var nextCursor: String?
}

/// `POST /api/v1/posts/{id}/likes` answer.
public struct LikeCount: Codable, Sendable, Equatable {
    public var likeCount: Int64
}

/// `POST /api/v1/users/{id}/follow` and `DELETE` answer.
public struct FollowState: Codable, Sendable, Equatable {
    public var following: Bool
}

/// One comment.
public struct CommentView: Codable, Sendable, Equatable {
    public var commentID: String
    public var userID: String
    public var username: String
    /// The commenter's avatar, its 150 JPEG rendition; nil without one.
    public var authorAvatarURL: String?
    public var text: String
    public var createdAt: Date
}

/// A page of comments, newest first.
public struct CommentPage: Codable, Sendable, Equatable {
    public var comments: [CommentView]
    public var nextCursor: String?
}
