/// What a `media.photo` / `media.video` job carries: enough to run without reading the row.
public struct MediaJobPayload: Sendable, Codable, Equatable {
    public var mediaID: Int64
    public var kind: String
    public var originalKey: String
    /// The original's SHA-256: the queue counts worker deaths per input under this key and
    /// quarantines an input that keeps killing them (see `JobRescuer`).
    public var contentKey: String?

    public init(mediaID: Int64, kind: String, originalKey: String, sha256: String? = nil) {
        self.mediaID = mediaID
        self.kind = kind
        self.originalKey = originalKey
        self.contentKey = sha256
    }

    enum CodingKeys: String, CodingKey {
        case mediaID = "media_id"
        case kind
        case originalKey = "original_key"
        case contentKey = "content_key"
    }

    /// The job kind that processes media of `kind`.
    public static func jobKind(for kind: String) -> String { "media.\(kind)" }
}
