import Foundation
import Testing

@testable import Platform

/// Client cursors: what decodes round-trips, and a position PostgreSQL cannot represent is a
/// 400 `invalid_cursor` here instead of a failing query.
@Suite("HTTP cursors")
struct CursorTests {
    /// base64url without padding, as clients receive cursors.
    private static func encode(_ plain: String) -> String {
        Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func aServerCursorRoundTrips() throws {
        // 2023-11-14T22:13:20Z, row 42.
        let cursor = try Cursor(decoding: Self.encode("1700000000000000.42"))
        #expect(cursor == Cursor(micros: 1_700_000_000_000_000, id: 42))
        #expect(try Cursor(decoding: cursor.encoded) == cursor)
    }

    /// 0001-01-01T00:00:00Z is -62135596800 s from 1970; 10000-01-01T00:00:00Z, the position
    /// before every row of years 1 to 9999, is 253402300800 s.
    @Test func theFirstMicrosecondOfYearOneAndOfYear10000Decode() throws {
        #expect(try Cursor(decoding: Self.encode("-62135596800000000.1")).micros == -62_135_596_800_000_000)
        #expect(try Cursor(decoding: Self.encode("253402300800000000.1")).micros == 253_402_300_800_000_000)
    }

    @Test(arguments: [
        "9223372036854775807.1", "-9223372036854775808.1", "253402300800000001.1", "-62135596800000001.1",
        "1.2.3", "1", ".5", "x.5", "99999999999999999999.1",
    ])
    func outsideTheRangeOrMalformedIsInvalid(plain: String) {
        let error = #expect(throws: SocialError.self) { try Cursor(decoding: Self.encode(plain)) }
        #expect(error?.code == "invalid_cursor")
        #expect(error?.kind == .invalid)
    }
}
