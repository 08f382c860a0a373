import Testing
import Thumbnail

/// The one format table, on headers built by hand from the formats' specifications.
@Suite("media format table")
struct MediaFormatTests {
    /// An ISO BMFF `ftyp` box: size, `ftyp`, major brand, minor version 0, compatible brands.
    static func ftyp(_ major: String, _ compatible: [String] = []) -> [UInt8] {
        let size = 16 + 4 * compatible.count
        return [0, 0, 0, UInt8(size)] + Array("ftyp\(major)".utf8) + [0, 0, 0, 0]
            + compatible.flatMap { Array($0.utf8) } + [UInt8](repeating: 0, count: 64)
    }

    /// `RIFF`, a little-endian size, then the form type.
    static func riff(_ form: String) -> [UInt8] {
        Array("RIFF".utf8) + [0x24, 0x10, 0, 0] + Array(form.utf8) + [UInt8](repeating: 0, count: 32)
    }

    /// MPEG-TS packets: `packet` bytes each, the sync byte 0x47 after `prefix` bytes.
    static func transportStream(packets: Int, packet: Int = 188, prefix: Int = 0) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xFF, count: packets * packet)
        for index in 0..<packets { bytes[index * packet + prefix] = 0x47 }
        return bytes
    }

    @Test("photos: JPEG, PNG, GIF, WebP and the HEIF brands")
    func photos() {
        #expect(MediaFormat.sniff([0xFF, 0xD8, 0xFF, 0xE1, 0, 0]) == .jpeg)
        #expect(MediaFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) == .png)
        #expect(MediaFormat.sniff(Array("GIF87a\u{1}\u{0}".utf8)) == .gif)
        #expect(MediaFormat.sniff(Array("GIF89a\u{1}\u{0}".utf8)) == .gif)
        #expect(MediaFormat.sniff(Self.riff("WEBPVP8 ")) == .webp)
        #expect(MediaFormat.sniff(Self.ftyp("heic", ["mif1", "heic"])) == .heic)
        #expect(MediaFormat.sniff(Self.ftyp("mif1", ["mif1", "heic"])) == .heic)
        #expect(MediaFormat.sniff(Self.ftyp("mif1", ["mif1"])) == .heic)  // generic HEIF
        #expect(MediaFormat.sniff(Self.ftyp("avif", ["avif", "mif1", "miaf"])) == .avif)
        #expect(MediaFormat.sniff(Self.ftyp("mif1", ["mif1", "avif"])) == .avif)
        for bytes in [[0xFF, 0xD8, 0xFF], Self.riff("WEBPVP8 "), Self.ftyp("heic", ["mif1"])] {
            #expect(MediaFormat.sniff(bytes)?.isVideo == false)
        }
    }

    @Test("videos: MP4/MOV brands, Matroska, AVI, MPEG-TS (and M2TS), FLV")
    func videos() {
        #expect(MediaFormat.sniff(Self.ftyp("isom", ["isom", "iso2", "avc1", "mp41"])) == .mp4)
        #expect(MediaFormat.sniff(Self.ftyp("mp42", ["mp42", "isom"])) == .mp4)
        #expect(MediaFormat.sniff(Self.ftyp("qt  ", ["qt  "])) == .mp4)
        #expect(MediaFormat.sniff(Self.ftyp("3gp4", ["3gp4"])) == .mp4)
        #expect(MediaFormat.sniff(Self.ftyp("XYZW", ["isom"])) == .mp4)  // a video brand among the compatible ones
        #expect(MediaFormat.sniff([0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81]) == .matroska)
        #expect(MediaFormat.sniff(Self.riff("AVI LIST")) == .avi)
        #expect(MediaFormat.sniff(Self.transportStream(packets: 3)) == .mpegts)
        #expect(MediaFormat.sniff(Self.transportStream(packets: 3, packet: 192, prefix: 4)) == .mpegts)
        #expect(MediaFormat.sniff(Array("FLV".utf8) + [0x01, 0x05, 0, 0, 0, 9]) == .flv)
        for format in [MediaFormat.mp4, .matroska, .avi, .mpegts, .flv] {
            #expect(format.isVideo && format.imageFormat == nil, "\(format)")
        }
    }

    @Test("refused: other ftyp brands, other RIFF forms, one TS sync byte, FLV of another version, text")
    func refused() {
        #expect(MediaFormat.sniff(Self.ftyp("crx ", ["crx "])) == nil)  // Canon raw
        #expect(MediaFormat.sniff(Self.ftyp("jpx ", ["jpx "])) == nil)
        #expect(MediaFormat.sniff(Self.riff("WAVEfmt ")) == nil)
        #expect(MediaFormat.sniff(Self.transportStream(packets: 2)) == nil)  // 376 bytes: one packet short
        #expect(MediaFormat.sniff([0x47] + [UInt8](repeating: 0, count: 600)) == nil)
        #expect(MediaFormat.sniff(Array("FLV".utf8) + [0x02, 0x05]) == nil)
        #expect(MediaFormat.sniff(Array("%PDF-1.7\n".utf8)) == nil)
        #expect(MediaFormat.sniff(Array("II*\u{0}".utf8)) == nil)  // TIFF
        #expect(MediaFormat.sniff([UInt8]()) == nil)
        #expect(MediaFormat.sniff([0, 0, 0]) == nil)
    }

    @Test("ImageFormat is the photo rows of the table; a video is no image")
    func imageRows() {
        #expect(ImageFormat.sniff(Self.ftyp("avif", ["avif"])) == .avif)
        #expect(ImageFormat.sniff(Self.ftyp("isom", ["isom"])) == nil)
        #expect(ImageFormat.sniff(Self.riff("AVI LIST")) == nil)
        #expect(ImageFormat.sniff(Self.transportStream(packets: 3)) == nil)
    }
}
