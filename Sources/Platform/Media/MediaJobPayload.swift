/// What a `media.photo` / `media.video` job carries: enough to run without reading the row.
public struct MediaJobPayload: Sendable, Codable, Equatable {
    public var mediaID: Int64
    public var kind: String
    public var originalKey: String

    public init(mediaID: Int64, kind: String, originalKey: String) {
        self.mediaID = mediaID
        self.kind = kind
        self.originalKey = originalKey
    }

    enum CodingKeys: String, CodingKey {
        case mediaID = "media_id"
        case kind
        case originalKey = "original_key"
    }

    /// The job kind that processes media of `kind`.
    public static func jobKind(for kind: String) -> String { "media.\(kind)" }
}
