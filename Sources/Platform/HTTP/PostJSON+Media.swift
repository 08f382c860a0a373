import Synchronization

extension PostJSON {
    /// A post's `media` object. Written once per distinct media and then copied: a feed page's
    /// posts share a few media (their views come from `PostQuery`'s cache, so equal views
    /// usually share their strings and compare in a few instructions), and the renditions'
    /// names, sizes and URLs were most of a page's bytes and of its rendering time.
    mutating func media(_ media: MediaView) {
        let key = MediaJSONKey(media: media)
        if let written = Self.writtenMedia.withLock({ $0[key] }) {
            appendBytes(written)
            return
        }
        var writer = PostJSON(capacity: 1024)
        writer.writeMedia(media)
        let written = writer.bytes
        Self.writtenMedia.withLock { memo in
            if memo.count >= Self.writtenMediaKept { memo.removeAll(keepingCapacity: true) }
            memo[key] = written
        }
        appendBytes(written)
    }

    /// Media objects remembered at most (the memo starts over when full), as many as
    /// `PostQuery.mediaViewsKept`.
    static let writtenMediaKept = PostQuery.mediaViewsKept

    private static let writtenMedia = Mutex<[MediaJSONKey: [UInt8]]>([:])

    private mutating func writeMedia(_ media: MediaView) {
        raw("{\"renditions\":[")
        for (index, rendition) in media.renditions.enumerated() {
            if index > 0 { raw(",") }
            raw("{\"name\":")
            string(rendition.name)
            raw(",\"format\":")
            string(rendition.format)
            if let width = rendition.width {
                raw(",\"width\":")
                raw(String(width))
            }
            if let height = rendition.height {
                raw(",\"height\":")
                raw(String(height))
            }
            raw(",\"url\":")
            string(rendition.url)
            raw("}")
        }
        raw("]")
        if let hls = media.hlsURL {
            raw(",\"hls_url\":")
            string(hls)
        }
        if let poster = media.poster {
            raw(",\"poster\":")
            string(poster)
        }
        raw("}")
    }
}

/// A media view as a memo key: equal views are equal keys (the whole view is compared), but
/// only the first rendition's URL (unique per media: it holds the media's store prefix) and
/// the counts are hashed, so a look-up does not hash every URL.
private struct MediaJSONKey: Hashable {
    let media: MediaView

    func hash(into hasher: inout Hasher) {
        hasher.combine(media.renditions.count)
        hasher.combine(media.renditions.first?.url)
        hasher.combine(media.hlsURL)
    }
}
