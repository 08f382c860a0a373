public import Foundation

/// A Swift value that can be sent to PostgreSQL as a query parameter.
///
/// Parameters travel in PostgreSQL's text format; `nil` in a parameter list is SQL `NULL`.
/// Conforming types here: `String`, `Int`, `Int64`, `Int32`, `Int16`, `Bool`, `Double`,
/// `Float`, `Date` (timestamptz), `UUID`, `Data` and `[UInt8]` (bytea), `PostgresJSON` (jsonb),
/// `PostgresArray` (one-dimensional arrays of these).
public protocol PostgresEncodable: Sendable {
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
    /// The parameter's type OID, or 0 to let the server infer it from the statement.
    static var postgresTypeOID: UInt32 { get }
}

extension PostgresEncodable {
    public static var postgresTypeOID: UInt32 { 0 }
}

extension String: PostgresEncodable {
    // Left to the server so a string can bind to text, varchar, uuid, jsonb, enums, ...
    public var postgresText: String { self }
}

extension Int: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int8 }
}

extension Int64: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int8 }
}

extension Int32: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int4 }
}

extension Int16: PostgresEncodable {
    public var postgresText: String { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.int2 }
}

extension Bool: PostgresEncodable {
    public var postgresText: String { self ? "t" : "f" }
    public static var postgresTypeOID: UInt32 { PostgresOID.bool }
}

extension Double: PostgresEncodable {
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
    public static var postgresTypeOID: UInt32 { PostgresOID.float8 }
}

extension Float: PostgresEncodable {
    public var postgresText: String { Double(self).postgresText }
    public static var postgresTypeOID: UInt32 { PostgresOID.float4 }
}

extension Date: PostgresEncodable {
    /// UTC with microsecond precision, PostgreSQL's own resolution.
    public var postgresText: String { PostgresTimestamp.format(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.timestamptz }
}

extension UUID: PostgresEncodable {
    public var postgresText: String { uuidString.lowercased() }
    public static var postgresTypeOID: UInt32 { PostgresOID.uuid }
}

extension Data: PostgresEncodable {
    /// bytea's hex input format, `\x` followed by two hex digits per byte.
    public var postgresText: String { PostgresBytea.hexText(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.bytea }
}

extension Array: PostgresEncodable where Element == UInt8 {
    public var postgresText: String { PostgresBytea.hexText(self) }
    public static var postgresTypeOID: UInt32 { PostgresOID.bytea }
}
