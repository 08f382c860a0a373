/// Photo or video, as sniffed from an upload's first bytes (never its name or declared type).
public enum MediaKind: String, Sendable, Codable {
    case photo
    case video

    /// Bytes needed by `sniff`.
    public static let sniffLength = 32

    /// JPEG, PNG, WebP, GIF, HEIC/HEIF and AVIF are photos; MP4/MOV (an ISO BMFF `ftyp` whose
    /// brand is not an image brand), WebM and Matroska are videos; anything else is nil.
    public static func sniff(_ bytes: some Collection<UInt8>) -> MediaKind? {
        let b = Array(bytes.prefix(sniffLength))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + prefix.count && Array(b[offset..<offset + prefix.count]) == prefix
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .photo }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .photo }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .photo }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .photo }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return .video }  // EBML: WebM and Matroska
        if starts(Array("ftyp".utf8), at: 4), b.count >= 12 {
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            let imageBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"]
            return imageBrands.contains(brand) ? .photo : .video
        }
        return nil
    }
}
