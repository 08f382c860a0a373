/// An image format we accept: the photo rows of ``MediaFormat``'s table.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg
    case png
    case webp
    case gif
    case heic
    case avif

    /// Identifies the format from the first bytes of a file (``MediaFormat/sniff(_:)``); nil
    /// when it is a video or none we accept.
    public static func sniff<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFormat? {
        MediaFormat.sniff(bytes)?.imageFormat
    }
}
