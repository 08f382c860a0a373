public import Foundation

/// A Swift type that can be read from a PostgreSQL result column in text format.
///
/// `Optional` conforms when its wrapped type does: decode `T?` to accept SQL `NULL`.
/// Decoding a `NULL` as a non-optional type, or a column of an unrelated type, throws
/// `DatabaseError` with code `.decodingFailed`.
public protocol PostgresDecodable: Sendable {
    /// Parses `text` (PostgreSQL's text output format) of a column whose type is `typeOID`.
    init(postgresText text: String, typeOID: UInt32) throws
    /// The value for SQL `NULL`; throws for types that have none.
    static func postgresNull() throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull() throws -> Self {
        throw DatabaseError(.decodingFailed, "NULL cannot be decoded as \(Self.self); decode an Optional")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        self = .some(try Wrapped(postgresText: text, typeOID: typeOID))
    }
    public static func postgresNull() throws -> Self { .none }
}

/// The error every conformance throws for text it cannot parse or a type it does not accept.
func decodingError(_ text: String, _ typeOID: UInt32, as type: Any.Type) -> DatabaseError {
    let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
    return DatabaseError(.decodingFailed, "cannot decode '\(shown)' (type oid \(typeOID)) as \(type)")
}

private func integer<T: FixedWidthInteger>(_ text: String, _ typeOID: UInt32) throws -> T {
    guard PostgresOID.integers.contains(typeOID), let value = T(text) else {
        throw decodingError(text, typeOID, as: T.self)
    }
    return value
}

extension Int: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws { self = try integer(text, typeOID) }
}

extension Int64: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws { self = try integer(text, typeOID) }
}

extension Int32: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws { self = try integer(text, typeOID) }
}

extension Int16: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws { self = try integer(text, typeOID) }
}

extension String: PostgresDecodable {
    /// Any column decodes as its text representation.
    public init(postgresText text: String, typeOID: UInt32) throws { self = text }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard typeOID == PostgresOID.bool, text == "t" || text == "f" else {
            throw decodingError(text, typeOID, as: Bool.self)
        }
        self = text == "t"
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard PostgresOID.floats.contains(typeOID) else { throw decodingError(text, typeOID, as: Double.self) }
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw decodingError(text, typeOID, as: Double.self) }
            self = value
        }
    }
}

extension Float: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        self = Float(try Double(postgresText: text, typeOID: typeOID))
    }
}

extension Date: PostgresDecodable {
    /// Accepts timestamptz, timestamp (read as UTC) and date (midnight UTC); `infinity` and
    /// `-infinity` become `distantFuture` and `distantPast`.
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard PostgresOID.timestamps.contains(typeOID), let date = PostgresTimestamp.parse(text) else {
            throw decodingError(text, typeOID, as: Date.self)
        }
        self = date
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard let uuid = UUID(uuidString: text) else { throw decodingError(text, typeOID, as: UUID.self) }
        self = uuid
    }
}

extension Data: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard typeOID == PostgresOID.bytea, let bytes = PostgresBytea.bytes(fromHexText: text) else {
            throw decodingError(text, typeOID, as: Data.self)
        }
        self = Data(bytes)
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard typeOID == PostgresOID.bytea, let bytes = PostgresBytea.bytes(fromHexText: text) else {
            throw decodingError(text, typeOID, as: [UInt8].self)
        }
        self = bytes
    }
}
