/// An image format we accept, identified from magic bytes (never from a name or a client type).
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg
    case png
    case webp
    case gif
    case heic
    case avif

    /// Identifies the format from the first bytes of a file; nil when it is none we accept.
    public static func sniff<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFormat? {
        let head = Array(bytes.prefix(64))
        func matches(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        if matches([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if matches(Array("RIFF".utf8)) && matches(Array("WEBP".utf8), at: 8) { return .webp }
        if matches(Array("GIF87a".utf8)) || matches(Array("GIF89a".utf8)) { return .gif }
        if matches(Array("ftyp".utf8), at: 4) { return isoBrand(head) }
        return nil
    }

    /// HEIF family: the `ftyp` box's major brand, then its compatible brands, name the codec.
    private static func isoBrand(_ head: [UInt8]) -> ImageFormat? {
        let boxSize = head.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        let end = min(head.count, max(16, boxSize))
        var brands: [String] = []
        if head.count >= 12 { brands.append(String(decoding: head[8..<12], as: UTF8.self)) }
        var offset = 16
        while offset + 4 <= end {
            brands.append(String(decoding: head[offset..<offset + 4], as: UTF8.self))
            offset += 4
        }
        if let major = brands.first {
            if ["avif", "avis"].contains(major) { return .avif }
            if ["heic", "heix", "heim", "heis", "hevc", "hevx"].contains(major) { return .heic }
        }
        if brands.contains(where: { ["avif", "avis"].contains($0) }) { return .avif }
        if brands.contains(where: { ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains($0) }) {
            return .heic
        }
        return nil
    }
}
