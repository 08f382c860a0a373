/// Photo or video, as sniffed from an upload's first bytes (never its name or declared type).
public enum MediaKind: String, Sendable, Codable {
    case photo
    case video
}
