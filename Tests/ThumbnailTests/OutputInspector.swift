import Foundation

/// Looks inside encoded outputs for metadata that must not be there.
enum OutputInspector {
    /// FourCCs of a RIFF/WebP file's top-level chunks.
    static func webpChunks(_ data: Data) -> [String] {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF",
            String(decoding: bytes[8..<12], as: UTF8.self) == "WEBP"
        else { return [] }
        var chunks: [String] = []
        var offset = 12
        while offset + 8 <= bytes.count {
            chunks.append(String(decoding: bytes[offset..<offset + 4], as: UTF8.self))
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            offset += 8 + size + (size & 1)
        }
        return chunks
    }

    /// Metadata markers found in a JPEG or WebP: EXIF, ICC, XMP (empty when clean).
    static func metadata(in data: Data) -> [String] {
        var found: [String] = []
        let chunks = webpChunks(data)
        if !chunks.isEmpty {
            for name in ["EXIF", "ICCP", "XMP "] where chunks.contains(name) { found.append("RIFF \(name)") }
            return found
        }
        let markers: [(String, [UInt8])] = [
            ("Exif APP1", Array("Exif\u{0}\u{0}".utf8)),
            ("ICC_PROFILE APP2", Array("ICC_PROFILE".utf8)),
            ("XMP", Array("http://ns.adobe.com/xap".utf8)),
            ("Photoshop APP13", Array("Photoshop 3.0".utf8)),
        ]
        for (name, marker) in markers where data.range(of: Data(marker)) != nil { found.append(name) }
        return found
    }
}
