import Foundation
import Testing
@testable import Thumbnail

/// The HEIF box reader on box sizes a file can set to anything (64-bit sizes near 2^63, sizes
/// past the end) and on `ispe` sizes whose area overflows `Int`. Each input under
/// `fixtures/fuzz/regressions/heif-header/` once trapped the daemon.
@Suite("HEIF header")
struct HEIFHeaderTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fuzz/regressions/heif-header")

    private static func regression(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: regressions.appendingPathComponent(name)))
    }

    private static func be32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    private static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        be32(UInt32(8 + payload.count)) + Array(type.utf8) + payload
    }
    private static let ftyp = box("ftyp", Array("heic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8))
    private static func ispe(_ width: UInt32, _ height: UInt32) -> [UInt8] {
        box("ispe", [0, 0, 0, 0] + be32(width) + be32(height))
    }
    private static func heif(_ properties: [UInt8]...) -> [UInt8] {
        ftyp + box("meta", [0, 0, 0, 0] + box("iprp", box("ipco", properties.flatMap { $0 })))
    }

    /// The 40-byte file: a `free` box whose 64-bit size is 2^63 - 1. Adding it to the
    /// offset overflowed; now the box is seen not to fit and the walk stops with nothing found.
    @Test func sizeNearTwoToTheSixtyThreeStopsTheWalk() throws {
        let bytes = try Self.regression("free-box-size-2e63.heif")
        #expect(bytes.count == 40)
        #expect(HEIFHeader.declaredSize(bytes) == nil)
        // The same box after a real `ispe`: what came before it still counts.
        let before = Self.heif(Self.ispe(640, 480)) + Array(bytes[24...])
        #expect(HEIFHeader.declaredSize(before).map { [$0.width, $0.height] } == [640, 480])
    }

    /// A container (`iprp`) inside `meta` claiming 2^63 - 9 bytes.
    @Test func nestedSizeNearTwoToTheSixtyThreeStopsTheWalk() throws {
        #expect(HEIFHeader.declaredSize(try Self.regression("nested-size-2e63.heif")) == nil)
    }

    /// Two `ispe` whose areas both overflow: comparing the second with the first multiplied
    /// the first's sides again. The first (the larger claim, 2^64 - 2^33 + 1) is kept.
    @Test func overflowingAreasCompareWithoutTrapping() throws {
        let size = HEIFHeader.declaredSize(try Self.regression("two-overflowing-areas.heif"))
        #expect(size.map { [$0.width, $0.height] } == [0xFFFF_FFFF, 0xFFFF_FFFF])
    }

    /// The largest declared area wins, whichever order the properties come in.
    @Test func largestDeclaredSizeWins() {
        let small = Self.ispe(100, 100), large = Self.ispe(4000, 3000)
        #expect(HEIFHeader.declaredSize(Self.heif(small, large)).map { [$0.width, $0.height] } == [4000, 3000])
        #expect(HEIFHeader.declaredSize(Self.heif(large, small)).map { [$0.width, $0.height] } == [4000, 3000])
    }

    /// Every committed regression input goes through without trapping and never reports a
    /// side past 32 bits (an `ispe` field's width).
    @Test func everyRegressionInputIsRead() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.regressions.path).sorted()
        #expect(names.count >= 3)
        for name in names {
            if let size = HEIFHeader.declaredSize(try Self.regression(name)) {
                #expect(size.width <= 0xFFFF_FFFF && size.height <= 0xFFFF_FFFF, "\(name)")
            }
        }
    }
}
