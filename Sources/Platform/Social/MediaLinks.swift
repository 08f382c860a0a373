/// Where API payloads say a rendition can be fetched: `/media/<key>` by default, or
/// `<base><key>` under `--public-media-url` (a CDN in front of the bucket or of `/media/`).
/// New outputs get new keys, so a CDN never needs invalidating.
public struct MediaLinks: Sendable, Hashable {
    /// What a key is appended to; ends with `/`.
    public let base: String

    /// Links under `base` (a `/` is added when missing); nil keeps `/media/`.
    public init(base: String? = nil) {
        guard let base, !base.isEmpty else {
            self.base = "/media/"
            return
        }
        self.base = base.hasSuffix("/") ? base : base + "/"
    }

    /// The URL of the object stored under `key`.
    func url(forKey key: String) -> String { base + key }
}
