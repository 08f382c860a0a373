import Foundation
import Testing

@testable import Platform

/// Client cursors: `<micros>.<id>` as `openapi.yaml`'s pattern `^-?[0-9]{1,16}\.[0-9]{1,18}$`
/// says. Every text of that grammar decodes (so a schema-valid cursor is never refused), and
/// nothing else does.
@Suite("HTTP cursors")
struct CursorTests {
    @Test func aServerCursorRoundTrips() throws {
        // 2023-11-14T22:13:20Z, row 42.
        let cursor = try Cursor(decoding: "1700000000000000.42")
        #expect(cursor == Cursor(micros: 1_700_000_000_000_000, id: 42))
        #expect(cursor.encoded == "1700000000000000.42")
        #expect(try Cursor(decoding: cursor.encoded) == cursor)
    }

    /// The grammar's extremes: 16 digits of microseconds (±317 years around 1970), 18 of id,
    /// leading zeros and a negative zero.
    @Test(arguments: [
        ("9999999999999999.999999999999999999", Int64(9_999_999_999_999_999), Int64(999_999_999_999_999_999)),
        ("-9999999999999999.0", -9_999_999_999_999_999, 0),
        ("0000000000000000.000000000000000001", 0, 1),
        ("-0.7", 0, 7),
    ])
    func everyTextOfTheGrammarDecodes(text: String, micros: Int64, id: Int64) throws {
        #expect(try Cursor(decoding: text) == Cursor(micros: micros, id: id))
    }

    @Test(arguments: [
        "9223372036854775807.1", "-9223372036854775808.1", "10000000000000000.1", "1.1000000000000000000",
        "1.2.3", "1", ".5", "5.", "x.5", "+1.1", "1.-1", "--1.1", " 1.1", "1.1\n", "",
        "MTcwMDAwMDAwMDAwMDAwMC40Mg",  // the base64url form cursors used to have
        "\u{06}\u{F2}\u{81}", "0", "\u{B4}\u{9F}\u{89}",  // what Schemathesis sent while the spec allowed any text
    ])
    func outsideTheGrammarIsInvalid(text: String) {
        let error = #expect(throws: SocialError.self) { try Cursor(decoding: text) }
        #expect(error?.code == "invalid_cursor")
        #expect(error?.kind == .invalid)
    }
}
