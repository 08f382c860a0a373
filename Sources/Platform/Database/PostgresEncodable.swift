public import Foundation

/// A Swift value that can be sent to PostgreSQL as a query parameter.
///
/// `nil` in a parameter list is SQL `NULL`. A value whose type has a binary form
/// (`postgresBinaryTypeOID` equal to its `postgresTypeOID`) travels in PostgreSQL's binary
/// format, which the server reads without parsing text; the others travel as text.
/// Conforming types here: `String`, `Int`, `Int64`, `Int32`, `Int16`, `Bool`, `Double`,
/// `Float`, `Date` (timestamptz), `UUID`, `Data` and `[UInt8]` (bytea), `PostgresJSON` (jsonb),
/// `PostgresArray` (one-dimensional arrays of these), `PostgresNullableArray`. All but a bare
/// `String` (whose type is left to the server) are sent in binary.
public protocol PostgresEncodable: Sendable {
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
    /// The parameter's type OID, or 0 to let the server infer it from the statement.
    static var postgresTypeOID: UInt32 { get }
    /// The type OID of the form `appendPostgresBinary(to:)` writes, or nil when the type has no
    /// binary form (the default). Also used for array elements (a `String` element is `text`).
    static var postgresBinaryTypeOID: UInt32? { get }
    /// Appends the value in PostgreSQL's binary format (the `…_send` layout, without the length
    /// word). Called only when `postgresBinaryTypeOID` is not nil.
    func appendPostgresBinary(to buffer: inout [UInt8])
}

extension PostgresEncodable {
    public static var postgresTypeOID: UInt32 { 0 }
    public static var postgresBinaryTypeOID: UInt32? { nil }
    public func appendPostgresBinary(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: postgresText.utf8)
    }

    /// True when the value is sent as a parameter in binary format.
    var sendsPostgresBinary: Bool {
        Self.postgresTypeOID != PostgresOID.unspecified && Self.postgresBinaryTypeOID == Self.postgresTypeOID
    }
}

extension FixedWidthInteger {
    /// Appends the integer big-endian, PostgreSQL's network byte order.
    func appendBigEndian(to buffer: inout [UInt8]) {
        withUnsafeBytes(of: bigEndian) { buffer.append(contentsOf: $0) }
    }
}

extension String: PostgresEncodable {
    // Left to the server so a string can bind to text, varchar, uuid, jsonb, enums, ...
    public var postgresText: String { self }
    // As an array element: text.
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.text }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Int: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int8 }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.int8 }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { Int64(self).appendBigEndian(to: &buffer) }
}

extension Int64: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int8 }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.int8 }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { appendBigEndian(to: &buffer) }
}

extension Int32: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int4 }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.int4 }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { appendBigEndian(to: &buffer) }
}

extension Int16: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int2 }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.int2 }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { appendBigEndian(to: &buffer) }
}

extension Bool: PostgresEncodable {
    public var postgresText: String { self ? "t" : "f" }
    public static var postgresTypeOID: UInt32 { PostgresOID.bool }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.bool }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
}

extension Double: PostgresEncodable {
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
    public static var postgresTypeOID: UInt32 { PostgresOID.float8 }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.float8 }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { bitPattern.appendBigEndian(to: &buffer) }
}

extension Float: PostgresEncodable {
    public var postgresText: String { Double(self).postgresText }
    public static var postgresTypeOID: UInt32 { PostgresOID.float4 }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.float4 }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { bitPattern.appendBigEndian(to: &buffer) }
}

extension Date: PostgresEncodable {
    /// UTC with microsecond precision, PostgreSQL's own resolution.
    public var postgresText: String { PostgresTimestamp.format(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.timestamptz }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.timestamptz }
    /// Microseconds since 2000-01-01 UTC, rounded like the text form.
    public func appendPostgresBinary(to buffer: inout [UInt8]) {
        PostgresTimestamp.microsecondsSince2000(self).appendBigEndian(to: &buffer)
    }
}

extension UUID: PostgresEncodable {
    public var postgresText: String { uuidString.lowercased() }
    public static var postgresTypeOID: UInt32 { PostgresOID.uuid }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.uuid }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) } }
}

extension Data: PostgresEncodable {
    /// bytea's hex input format, `\x` followed by two hex digits per byte.
    public var postgresText: String { PostgresBytea.hexText(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.bytea }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.bytea }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension Array: PostgresEncodable where Element == UInt8 {
    public var postgresText: String { PostgresBytea.hexText(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.bytea }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.bytea }
    public func appendPostgresBinary(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}
