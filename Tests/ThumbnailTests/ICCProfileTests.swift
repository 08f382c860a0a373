import Foundation
import Testing
@testable import Thumbnail

@Suite("ICC profile inspection")
struct ICCProfileTests {
    /// sRGB's D50 colorants.
    private static let srgb: [[Double]] = [[0.4361, 0.2225, 0.0139], [0.3851, 0.7169, 0.0971], [0.1431, 0.0606, 0.7141]]
    /// Adobe RGB (1998)'s D50 colorants.
    private static let adobe: [[Double]] = [[0.6097, 0.3111, 0.0195], [0.2053, 0.6257, 0.0609], [0.1492, 0.0632, 0.7446]]

    private enum Curve {
        /// ICC parametric type 3 with sRGB's constants.
        case srgbParametric
        /// A 1024-entry table sampled from sRGB's curve.
        case srgbTable
        /// A pure gamma (`curv` with one entry).
        case gamma(Double)
    }

    /// A minimal matrix/TRC RGB profile: header, tag table, XYZ and curve elements.
    private static func profile(colorants: [[Double]], curve: Curve, extraTags: [String] = []) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 255)] }
        func s15(_ v: Double) -> [UInt8] { be32(UInt32(bitPattern: Int32((v * 65536).rounded()))) }
        var elements: [(String, [UInt8])] = []
        for (tag, xyz) in zip(["rXYZ", "gXYZ", "bXYZ"], colorants) {
            elements.append((tag, Array("XYZ ".utf8) + [0, 0, 0, 0] + xyz.flatMap(s15)))
        }
        let trc: [UInt8]
        switch curve {
        case .srgbParametric:
            trc = Array("para".utf8) + [0, 0, 0, 0] + be16(3) + [0, 0]
                + [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045].flatMap(s15)
        case .srgbTable:
            let table = (0..<1024).map { i -> UInt16 in
                let x = Double(i) / 1023
                let y = x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4)
                return UInt16((y * 65535).rounded())
            }
            trc = Array("curv".utf8) + [0, 0, 0, 0] + be32(1024) + table.flatMap(be16)
        case .gamma(let g):
            trc = Array("curv".utf8) + [0, 0, 0, 0] + be32(1) + be16(UInt16(g * 256))
        }
        for tag in ["rTRC", "gTRC", "bTRC"] { elements.append((tag, trc)) }
        for tag in extraTags { elements.append((tag, Array("mft2".utf8) + [UInt8](repeating: 0, count: 48))) }
        var header = [UInt8](repeating: 0, count: 128)
        header.replaceSubrange(12..<24, with: Array("mntrRGB XYZ ".utf8))
        header.replaceSubrange(36..<40, with: Array("acsp".utf8))
        var table = be32(UInt32(elements.count))
        var body: [UInt8] = []
        var offset = 128 + 4 + 12 * elements.count
        for (tag, bytes) in elements {
            var padded = bytes
            while padded.count % 4 != 0 { padded.append(0) }
            table += Array(tag.utf8) + be32(UInt32(offset)) + be32(UInt32(bytes.count))
            body += padded
            offset += padded.count
        }
        var out = header + table + body
        out.replaceSubrange(0..<4, with: be32(UInt32(out.count)))
        return out
    }

    @Test("sRGB matrix/TRC profiles (parametric or sampled curve) count as sRGB")
    func srgb() {
        #expect(ICCProfile.isSRGB(Self.profile(colorants: Self.srgb, curve: .srgbParametric)))
        #expect(ICCProfile.isSRGB(Self.profile(colorants: Self.srgb, curve: .srgbTable)))
    }

    @Test("other primaries, another tone curve, lookup tables or damage do not")
    func notSRGB() {
        #expect(!ICCProfile.isSRGB(Self.profile(colorants: Self.adobe, curve: .srgbParametric)))
        #expect(!ICCProfile.isSRGB(Self.profile(colorants: Self.srgb, curve: .gamma(2.2))))
        #expect(!ICCProfile.isSRGB(Self.profile(colorants: Self.srgb, curve: .srgbTable, extraTags: ["A2B0"])))
        let whole = Self.profile(colorants: Self.srgb, curve: .srgbParametric)
        #expect(!ICCProfile.isSRGB(Array(whole.prefix(200))))
        #expect(!ICCProfile.isSRGB([]))
    }

    @Test("corpus: the sRGB-tagged photo skips the transform, Adobe RGB and CMYK do not",
          .enabled(if: SharedCorpus.isPresent, "../shared/corpus is absent"))
    func corpus() throws {
        let cases = [
            ("corpus/images/ia_book-beside-flowers.jpg", true), ("corpus/images/pl_xmp_test.jpg", false),
            ("corpus/images/th_cmyk-icc.jpg", false),
        ]
        for (file, expected) in cases {
            let url = try #require(SharedCorpus.url(file), "../shared/\(file) is missing from the corpus")
            let probe = try ImageProbe.probe(Data(contentsOf: url))
            #expect(probe.hasICCProfile, "\(file)")
            #expect(probe.hasSRGBProfile == expected, "\(file)")
        }
    }
}
