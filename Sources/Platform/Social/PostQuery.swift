import Foundation
import Synchronization

/// The mapping of post rows (the columns `GetPost`, `UserPostsPage` and `FeedPage` select) to
/// `PostView`.
enum PostQuery {
    /// Maps rows and computes the next cursor: `limit + 1` rows were asked for, so a full
    /// extra row means there is another page.
    static func page(
        _ result: some Collection<DatabaseRow>, limit: Int, links: MediaLinks = MediaLinks()
    ) throws -> (posts: [PostView], next: String?) {
        var posts: [PostView] = []
        var last: Cursor?
        for row in result.prefix(limit) {
            posts.append(try view(row, links: links))
            last = Cursor(micros: try row["created_us", as: Int64.self], id: try row["id", as: Int64.self])
        }
        return (posts, result.count > limit ? last?.encoded : nil)
    }

    static func view(_ row: DatabaseRow, links: MediaLinks = MediaLinks()) throws -> PostView {
        let status = try row["status", as: String.self]
        let mediaID = try row["media_id", as: Int64.self]
        var media = MediaView(renditions: [], hlsURL: nil, poster: nil)
        if status == "ready", let json = try row["manifest", as: PostgresJSON?.self] {
            media = mediaView(json, mediaID: mediaID, links: links)
        }
        var error: PostErrorView?
        if status == "failed" {
            error = PostErrorView(
                code: try row["error_code", as: String?.self] ?? "processing_failed",
                message: try row["error_message", as: String?.self] ?? "the media could not be processed")
        }
        return PostView(
            postID: String(try row["id", as: Int64.self]),
            userID: String(try row["user_id", as: Int64.self]),
            username: try row["username", as: String.self],
            authorAvatarURL: try row["avatar_prefix", as: String?.self].map { AvatarService.view(prefix: $0, links: links).url150 },
            caption: try row["caption", as: String.self],
            mediaType: try row["kind", as: String.self],
            status: status, media: media,
            likeCount: try row["like_count", as: Int64.self],
            commentCount: try row["comment_count", as: Int64.self],
            createdAt: try row["created_at", as: Date.self],
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
