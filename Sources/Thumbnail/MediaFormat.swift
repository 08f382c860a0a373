/// Every file format MediaDaemon accepts, identified from its first bytes (never its name or a
/// client's declared type): the one table the HTTP upload, the CLI and both pipelines consult.
///
/// Photos: JPEG, PNG, WebP, GIF, HEIC/HEIF and AVIF. Videos: MP4/MOV (ISO BMFF or QuickTime
/// with a video brand), Matroska/WebM, AVI, MPEG-TS (188-byte packets, or 192-byte M2TS) and
/// FLV — every container the video pipeline has a demuxer for. Anything else is refused,
/// including an `ftyp` whose brands are neither an image nor a video brand (JPEG 2000, CR3 raw,
/// audio-only M4A…).
///
/// Pure Swift: no library looks at the bytes to decide (FFmpeg's own probe, which runs every
/// demuxer's C code, only happens where a video is decoded).
public enum MediaFormat: String, Sendable, Codable, CaseIterable {
    case jpeg
    case png
    case webp
    case gif
    case heic
    case avif
    /// ISO BMFF / QuickTime video (`mp4`, `mov`, `m4v`, `3gp`).
    case mp4
    /// EBML: Matroska and WebM.
    case matroska
    case avi
    case mpegts
    case flv

    /// Bytes `sniff` looks at: three MPEG-TS packets (M2TS: 4 + 2 × 192 + 1) and a long `ftyp`.
    public static let sniffLength = 512

    /// The format of a file starting with `bytes` (give it `sniffLength` bytes, or the whole
    /// file when shorter); nil when it is none we accept.
    public static func sniff(_ bytes: some Collection<UInt8>) -> MediaFormat? {
        let head = Array(bytes.prefix(sniffLength))
        func matches(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && head[offset..<offset + magic.count].elementsEqual(magic)
        }
        func matches(_ magic: String, at offset: Int = 0) -> Bool { matches(Array(magic.utf8), at: offset) }

        if matches([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if matches("GIF87a") || matches("GIF89a") { return .gif }
        if matches("RIFF") && matches("WEBP", at: 8) { return .webp }
        if matches("RIFF") && matches("AVI ", at: 8) { return .avi }
        if matches("ftyp", at: 4) { return isoBrand(head) }
        if matches([0x1A, 0x45, 0xDF, 0xA3]) { return .matroska }
        if matches("FLV") && matches([0x01], at: 3) { return .flv }
        if isTransportStream(head) { return .mpegts }
        return nil
    }

    /// Whether this is one of the video containers.
    public var isVideo: Bool {
        switch self {
        case .jpeg, .png, .webp, .gif, .heic, .avif: false
        case .mp4, .matroska, .avi, .mpegts, .flv: true
        }
    }

    /// The image format for a photo; nil for a video.
    public var imageFormat: ImageFormat? {
        switch self {
        case .jpeg: .jpeg
        case .png: .png
        case .webp: .webp
        case .gif: .gif
        case .heic: .heic
        case .avif: .avif
        case .mp4, .matroska, .avi, .mpegts, .flv: nil
        }
    }

    private static let avifBrands: Set<String> = ["avif", "avis"]
    private static let heicBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx"]
    /// Generic HEIF brands: an image, of the codec another brand names (HEIC when none does).
    private static let heifBrands: Set<String> = ["mif1", "msf1"]
    /// ISO BMFF and QuickTime brands of files with a video track (ISO base media, MPEG-4,
    /// QuickTime, iTunes video, 3GPP/3GPP2, AVC, DASH, camera makers' MP4 variants).
    private static let videoBrands: Set<String> = [
        "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso8", "iso9", "mp41", "mp42", "avc1", "qt  ",
        "M4V ", "M4VH", "M4VP", "3gp4", "3gp5", "3gp6", "3gp7", "3gp9", "3g2a", "3g2b", "3g2c", "3ge6",
        "3gg6", "dash", "mmp4", "MSNV", "XAVC", "f4v ", "kddi", "NDAS", "ndas",
    ]

    /// An `ftyp` box: the major brand decides first, then the compatible brands; image brands
    /// win over video brands (a HEIF sequence may also list `iso8`).
    private static func isoBrand(_ head: [UInt8]) -> MediaFormat? {
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
            if avifBrands.contains(major) { return .avif }
            if heicBrands.contains(major) { return .heic }
        }
        if brands.contains(where: avifBrands.contains) { return .avif }
        if brands.contains(where: { heicBrands.contains($0) || heifBrands.contains($0) }) { return .heic }
        if brands.contains(where: videoBrands.contains) { return .mp4 }
        return nil
    }

    /// Three MPEG-TS sync bytes (0x47) a packet apart: 188-byte packets from offset 0, or
    /// 192-byte M2TS packets (a 4-byte timestamp first).
    private static func isTransportStream(_ head: [UInt8]) -> Bool {
        for (start, packet) in [(0, 188), (4, 192)] {
            let offsets = [start, start + packet, start + 2 * packet]
            if offsets.allSatisfy({ $0 < head.count && head[$0] == 0x47 }) { return true }
        }
        return false
    }
}
