/// The renditions the operator page shows, found in a stored manifest.
extension StoredManifest {
    /// The URL of `path`, a path of this manifest, for `mediaID`: under `/media/`, or under
    /// `links`' base (`--public-media-url`).
    func url(_ path: String, mediaID: Int64, links: MediaLinks = MediaLinks()) -> String {
        links.url(forKey: ObjectKey.renditionKeyText(mediaID: mediaID, storePrefix: storePrefix, path: path))
    }

    /// The 150 JPEG: a photo's own, or a video's poster's.
    var thumbnailPath: String? {
        let candidates = (renditions ?? []) + (poster?.renditions ?? [])
        return candidates.first { $0.name == "150" && $0.format == "jpeg" }?.path
    }

    /// The largest poster rendition of a video.
    var posterPath: String? {
        poster?.renditions?.max { ($0.width ?? 0) < ($1.width ?? 0) }?.path
    }

    /// A video's progressive rendition of rung `name` (`360`): an MP4 a `<video>` plays.
    func videoPath(rung name: String) -> String? {
        renditions?.first { $0.name == name && $0.format == "mp4" }?.path
    }
}
