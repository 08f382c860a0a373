import Foundation
import Testing

@testable import Platform

/// The list formats `blocklist import` reads: PDQ lists (hex, optionally `,quality`) and the
/// vPDQ reference tool's frame-hash files; malformed lines fail with their number.
@Suite("Blocklist: list files")
struct BlocklistFileTests {
    // A hash from the shared reference corpus (peppers.png, pdq_fullres) and its words.
    let peppers = "3a9326f12451b699e799e7e8244b663c6c6bb4e31600e64db40f329dfb1cb872"

    @Test func aPDQListSkipsBlankAndCommentLinesAndKeepsQualities() throws {
        let text = "# shared list\n\n\(peppers.uppercased()),87\r\n  \(String(repeating: "0f", count: 32))  \n# end\n"
        guard case .photos(let hashes) = try BlocklistFile.parse(Data(text.utf8)) else {
            Issue.record("not read as a PDQ list")
            return
        }
        #expect(hashes.map(\.hash.hex) == [peppers, String(repeating: "0f", count: 32)])
        #expect(hashes.map(\.quality) == [87, nil])
        #expect(hashes[0].hash.w0 == 0x3a93_26f1_2451_b699)
    }

    @Test func aBadLineFailsWithItsNumber() {
        let cases: [(String, Int)] = [
            ("\(peppers)\n# fine\n\(peppers.dropLast())g\n", 3),  // a non-hex digit
            ("\(peppers)\n\(peppers.dropLast())\n", 2),  // 63 digits
            ("\(peppers),101\n", 1),  // quality out of range
            ("\(peppers),\n", 1),  // empty quality
            ("\(peppers),50,9\n", 1),  // three fields
        ]
        for (text, line) in cases {
            #expect(performing: { try BlocklistFile.parse(Data(text.utf8)) }, throws: { error in
                (error as? BlocklistFileError)?.line == line
            })
        }
        #expect(throws: BlocklistFileError.self) { try BlocklistFile.parse(Data("# only comments\n\n".utf8)) }
    }

    @Test func aVPDQFileIsOneVideoWithItsFrames() throws {
        let text = "0,100,\(peppers),0.000\n30,42,\(String(repeating: "a", count: 64)),1.000\n"
        guard case .video(let frames) = try BlocklistFile.parse(Data(text.utf8)) else {
            Issue.record("not read as a vPDQ file")
            return
        }
        #expect(frames.map(\.frame) == [0, 30])
        #expect(frames.map(\.quality) == [100, 42])
        #expect(frames.map(\.hash.hex) == [peppers, String(repeating: "a", count: 64)])
        // A PDQ line inside a vPDQ file is an error on its line.
        #expect(performing: { try BlocklistFile.parse(Data((text + peppers + "\n").utf8)) }, throws: { error in
            (error as? BlocklistFileError)?.line == 3
        })
        #expect(performing: { try BlocklistFile.parse(Data("0,100,\(peppers),soon\n".utf8)) }, throws: { error in
            (error as? BlocklistFileError)?.line == 1
        })
    }
}
