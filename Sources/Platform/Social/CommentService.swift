import Foundation

/// Comments on posts, `posts.comment_count` changed in the same transaction.
public struct CommentService: Sendable {
    let pool: DatabasePool
    /// Where comment lists are read when set (see `ReadReplica`).
    let replica: ReadReplica?
    /// Where commenters' avatar URLs point.
    let links: MediaLinks

    /// Longest comment, in Unicode scalars (`StoredText.length`, as the `comments.text` CHECK
    /// of migration 0004 counts).
    public static let maximumLength = 2200

    /// A service on `pool`.
    public init(pool: DatabasePool, replica: ReadReplica? = nil, links: MediaLinks = MediaLinks()) {
        self.pool = pool
        self.replica = replica
        self.links = links
    }

    /// Adds a comment: 400 empty, too long or holding a NUL; 404 unknown or deleted post; 403
    /// `blocked` when the post's author and the commenter block each other.
    public func add(userID: Int64, postID: Int64, text: String) async throws -> CommentView {
        try StoredText.refuseNUL(text, field: "a comment")
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw SocialError(.invalid, "empty_comment", "a comment needs some text") }
        guard StoredText.length(text) <= Self.maximumLength else {
            throw SocialError(.invalid, "comment_too_long", "comments are at most \(Self.maximumLength) code points")
        }
        return try await pool.transaction { connection in
            try RelationService.refuseBlocked(postID: postID, userID: userID, on: connection)
            let updated = try connection.query(SocialQuery.addCommentCount, [postID])
            guard let post = updated.first else { throw SocialError.notFound("post") }
            let rows = try connection.query(SocialQuery.insertComment, [postID, userID, text])
            let author = try connection.query(SocialQuery.userProfile, [userID, nil as Int64?]).first
            try NotificationEvents.record(
                .comment, recipient: try post["user_id", as: Int64.self], actor: userID, postID: postID, on: connection)
            try NotificationEvents.mentions(in: text, actor: userID, postID: postID, on: connection)
            return CommentView(
                commentID: String(try rows[0]["id", as: Int64.self]), userID: String(userID),
                username: try author?["username", as: String.self] ?? "",
                authorAvatarURL: try author?["avatar_prefix", as: String?.self].map { AvatarService.view(prefix: $0, links: links).url150 },
                text: text,
                createdAt: try rows[0]["created_at", as: Date.self])
        }
    }

    /// Deletes a comment: its author or the post's author may. 404 when the comment is not on
    /// that live post, 403 for anyone else. Its notifications (the comment, its mentions) are
    /// retracted where not yet read.
    public func delete(userID: Int64, postID: Int64, commentID: Int64) async throws {
        try await pool.transaction { connection in
            let found = try connection.query(SocialQuery.commentForDelete, [commentID, postID])
            guard let row = found.first else { throw SocialError.notFound("comment") }
            let commenter = try row["user_id", as: Int64.self]
            let author = try row["author_id", as: Int64.self]
            guard userID == commenter || userID == author else {
                throw SocialError(.forbidden, "forbidden", "only the comment's or the post's author can delete it")
            }
            try connection.query(SocialQuery.deleteComment, [commentID])
            try connection.query(SocialQuery.subtractCommentCount, [postID])
            try NotificationEvents.record(
                .comment, recipient: author, actor: commenter, postID: postID, retract: true, on: connection)
            try NotificationEvents.mentions(
                in: try row["text", as: String.self], actor: commenter, postID: postID, retract: true, on: connection)
        }
    }

    /// A page of a post's comments, newest first, with each commenter's name and avatar; 404 for
    /// an unknown or deleted post, or one whose author and `viewer` block each other. Comments
    /// by users the viewer blocks or is blocked by are left out. Read from the replica when there
    /// is one; a post it does not know yet is looked up on the primary.
    public func list(postID: Int64, page: PageRequest, viewer: Int64? = nil) async throws -> CommentPage {
        do {
            return try await pool.read(via: replica) { connection in
                try connection.transaction { try Self.list(postID: postID, page: page, viewer: viewer, links: links, on: $0) }
            }
        } catch let error as SocialError where error.kind == .notFound && replica != nil {
            return try await pool.transaction { try Self.list(postID: postID, page: page, viewer: viewer, links: links, on: $0) }
        }
    }

    private static func list(
        postID: Int64, page: PageRequest, viewer: Int64?, links: MediaLinks, on connection: DatabaseConnection
    ) throws -> CommentPage {
        let keys = page.keys
        let limit = page.limit
        let post = try connection.query(SocialQuery.livePost, [postID])
        guard !post.isEmpty else { throw SocialError.notFound("post") }
        if let viewer, try !connection.query(SocialQuery.postAuthorBlock, [postID, viewer]).isEmpty {
            throw SocialError.notFound("post")
        }
        let rows = try connection.query(SocialQuery.commentsPage, [postID, keys.micros, keys.id, limit + 1, viewer])
        var comments: [CommentView] = []
        var last: Cursor?
        for row in rows.prefix(limit) {
            let id = try row["id", as: Int64.self]
            comments.append(
                CommentView(
                    commentID: String(id), userID: String(try row["user_id", as: Int64.self]),
                    username: try row["username", as: String.self],
                    authorAvatarURL: try row["avatar_prefix", as: String?.self].map { AvatarService.view(prefix: $0, links: links).url150 },
                    text: try row["text", as: String.self], createdAt: try row["created_at", as: Date.self]))
            last = Cursor(micros: try row["created_us", as: Int64.self], id: id)
        }
        return CommentPage(comments: comments, nextCursor: rows.count > limit ? last?.encoded : nil)
    }
}
