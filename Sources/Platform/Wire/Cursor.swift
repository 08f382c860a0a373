import Foundation

/// A keyset position `(created_at, id)` for newest-first pages, sent to clients as
/// `<micros>.<id>`: the row's `created_at` in microseconds since 1970 (at most 16 digits, an
/// optional `-`) and its id (at most 18 digits). That grammar is `openapi.yaml`'s cursor
/// pattern: every text it admits is a position PostgreSQL can compare (years 1653 to 2286),
/// so what a client may send and what the server accepts are the same set. Clients treat it
/// as opaque and send back the `next_cursor` they were given.
public struct Cursor: Sendable, Hashable {
    /// Microseconds since 1970 of the last row's `created_at`.
    public var micros: Int64
    /// The last row's id.
    public var id: Int64

    /// A position after the row with these keys.
    public init(micros: Int64, id: Int64) {
        self.micros = micros
        self.id = id
    }

    /// Parses a client's cursor; throws a 400 `invalid_cursor` for anything outside the grammar.
    public init(decoding text: String) throws(SocialError) {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2, let micros = Self.number(parts[0], digits: Self.microsDigits, signed: true),
            let id = Self.number(parts[1], digits: Self.idDigits, signed: false)
        else { throw Self.invalid }
        self.init(micros: micros, id: id)
    }

    /// Most digits of the timestamp: 10^16 µs is 317 years either side of 1970, well inside
    /// what `timestamptz 'epoch' + micros * interval '1 microsecond'` can represent.
    package static let microsDigits = 16
    /// Most digits of the id: every such number fits `Int64`.
    package static let idDigits = 18
    /// The grammar as a regular expression, for `openapi.yaml` (`HTTPOpenAPITests` holds the
    /// file to it).
    package static let pattern = "^-?[0-9]{1,\(microsDigits)}\\.[0-9]{1,\(idDigits)}$"

    /// The text clients send back as `cursor=`.
    public var encoded: String { "\(micros).\(id)" }

    /// A decimal of 1...`digits` ASCII digits, after a `-` when `signed`.
    private static func number(_ text: Substring.UTF8View, digits: Int, signed: Bool) -> Int64? {
        var body = text
        if signed, body.first == UInt8(ascii: "-") { body = body.dropFirst() }
        guard (1...digits).contains(body.count), body.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(String(decoding: text, as: UTF8.self))
    }

    private static let invalid = SocialError(.invalid, "invalid_cursor", "the cursor is not valid")
}
