public import Foundation

/// What `head` reports about a stored object.
public struct ObjectInfo: Sendable, Hashable {
    public var key: ObjectKey
    /// Size in bytes.
    public var size: Int64
    /// SHA-256 of the content, 64 lowercase hex digits; used as the HTTP ETag.
    public var etag: String
    /// MIME type derived from the key's extension.
    public var contentType: String
    /// Last modification time of the object (when it was last put).
    public var modified: Date

    public init(key: ObjectKey, size: Int64, etag: String, contentType: String, modified: Date) {
        self.key = key
        self.size = size
        self.etag = etag
        self.contentType = contentType
        self.modified = modified
    }

    /// MIME type for a key's extension; `application/octet-stream` for anything unknown.
    public static func contentType(for key: ObjectKey) -> String {
        switch key.fileExtension {
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "png": "image/png"
        case "gif": "image/gif"
        case "heic": "image/heic"
        case "avif": "image/avif"
        case "mp4": "video/mp4"
        case "m3u8": "application/vnd.apple.mpegurl"
        case "m4s": "video/iso.segment"
        case "ts": "video/mp2t"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}
