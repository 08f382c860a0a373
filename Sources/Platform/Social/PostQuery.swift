import Foundation
import Synchronization

/// The mapping of post rows (the columns of the `PostColumns` fragment in `posts.sql`, which
/// every read of posts selects) to `PostView`.
enum PostQuery {
    /// Maps rows and computes the next cursor: `limit + 1` rows were asked for, so a full
    /// extra row means there is another page.
    static func page(
        _ result: some Collection<DatabaseRow>, limit: Int, links: MediaLinks = MediaLinks()
    ) throws -> (posts: [PostView], next: String?) {
        // Every row of a result has the same columns: found by name once, read by index after.
        guard let first = result.first else { return ([], nil) }
        let columns = try PostColumns(first.columns)
        var posts: [PostView] = []
        posts.reserveCapacity(min(limit, result.count))
        var last: Cursor?
        for row in result.prefix(limit) {
            posts.append(try view(row, columns: columns, links: links))
            last = Cursor(micros: try row.decode(Int64.self, at: columns.createdMicros), id: try row.decode(Int64.self, at: columns.id))
        }
        return (posts, result.count > limit ? last?.encoded : nil)
    }

    static func view(_ row: DatabaseRow, links: MediaLinks = MediaLinks()) throws -> PostView {
        try view(row, columns: PostColumns(row.columns), links: links)
    }

    static func view(_ row: DatabaseRow, columns c: PostColumns, links: MediaLinks) throws -> PostView {
        let status = try row.decode(String.self, at: c.status)
        let mediaID = try row.decode(Int64.self, at: c.mediaID)
        var media = MediaView(renditions: [], hlsURL: nil, poster: nil)
        if status == "ready", let json = try row.decode(PostgresJSON?.self, at: c.manifest) {
            media = mediaView(json, mediaID: mediaID, links: links)
        }
        var error: PostErrorView?
        if status == "failed" {
            error = PostErrorView(
                code: try row.decode(String?.self, at: c.errorCode) ?? "processing_failed",
                message: try row.decode(String?.self, at: c.errorMessage) ?? "the media could not be processed")
        }
        return PostView(
            postID: String(try row.decode(Int64.self, at: c.id)),
            userID: String(try row.decode(Int64.self, at: c.userID)),
            username: try row.decode(String.self, at: c.username),
            authorAvatarURL: try row.decode(String?.self, at: c.avatarPrefix).map {
                AvatarService.view(prefix: $0, links: links).url150
            },
            caption: try row.decode(String.self, at: c.caption),
            mediaType: try row.decode(String.self, at: c.kind),
            status: status, media: media,
            likeCount: try row.decode(Int64.self, at: c.likeCount),
            commentCount: try row.decode(Int64.self, at: c.commentCount),
            createdAt: try row.decode(Date.self, at: c.createdAt),
            error: error)
    }

    /// Rendition URLs from a manifest, remembered by media id and manifest text: the posts of
    /// a page often share media, and decoding manifests was a large part of a page's cost. A
    /// new manifest (reprocessing) is a new key, so nothing stale is shown.
    static func mediaView(_ json: PostgresJSON, mediaID: Int64, links: MediaLinks = MediaLinks()) -> MediaView {
        let key = MediaViewKey(mediaID: mediaID, manifest: json.text, links: links)
        if let view = mediaViews.withLock({ $0[key] }) { return view }
        let view = decodeMediaView(json, mediaID: mediaID, links: links)
        mediaViews.withLock { views in
            if views.count >= mediaViewsKept { views.removeAll(keepingCapacity: true) }
            views[key] = view
        }
        return view
    }

    /// Equal keys have equal manifests, but only the media id is hashed: hashing the whole
    /// manifest text (hundreds of bytes) on every post of every page cost more than comparing it.
    private struct MediaViewKey: Hashable {
        var mediaID: Int64
        var manifest: String
        var links: MediaLinks

        func hash(into hasher: inout Hasher) {
            hasher.combine(mediaID)
        }
    }

    private static let mediaViews = Mutex<[MediaViewKey: MediaView]>([:])
    /// Media views remembered at most (the cache starts over when full).
    static let mediaViewsKept = 4096

    /// Rendition URLs from a manifest; fields the API does not show are ignored, and a
    /// manifest that does not decode shows no renditions rather than failing the read.
    static func decodeMediaView(_ json: PostgresJSON, mediaID: Int64, links: MediaLinks = MediaLinks()) -> MediaView {
        guard let manifest = try? json.decode(StoredManifest.self) else {
            return MediaView(renditions: [], hlsURL: nil, poster: nil)
        }
        func url(_ path: String) -> String { manifest.url(path, mediaID: mediaID, links: links) }
        let renditions = (manifest.renditions ?? []).map {
            RenditionView(name: $0.name, format: $0.format, width: $0.width, height: $0.height, url: url($0.path))
        }
        let poster = manifest.poster?.renditions?.max { ($0.width ?? 0) < ($1.width ?? 0) }.map { url($0.path) }
        return MediaView(renditions: renditions, hlsURL: manifest.hls.map(url), poster: poster)
    }
}

/// The positions of the post columns `PostQuery.view` reads (the `PostColumns` fragment of
/// `posts.sql`), found by name.
struct PostColumns {
    let id: Int
    let userID: Int
    let username: Int
    let avatarPrefix: Int
    let caption: Int
    let likeCount: Int
    let commentCount: Int
    let createdAt: Int
    let createdMicros: Int
    let mediaID: Int
    let kind: Int
    let status: Int
    let manifest: Int
    let errorCode: Int
    let errorMessage: Int

    /// Throws `.decodingFailed` naming the first column missing.
    init(_ columns: [QueryResult.Column]) throws {
        func index(_ name: String) throws -> Int {
            guard let index = columns.firstIndex(where: { $0.name == name }) else {
                throw DatabaseError(.decodingFailed, "no column named \(name)")
            }
            return index
        }
        id = try index("id")
        userID = try index("user_id")
        username = try index("username")
        avatarPrefix = try index("avatar_prefix")
        caption = try index("caption")
        likeCount = try index("like_count")
        commentCount = try index("comment_count")
        createdAt = try index("created_at")
        createdMicros = try index("created_us")
        mediaID = try index("media_id")
        kind = try index("kind")
        status = try index("status")
        manifest = try index("manifest")
        errorCode = try index("error_code")
        errorMessage = try index("error_message")
    }
}
