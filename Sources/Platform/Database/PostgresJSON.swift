public import Foundation

/// A JSON document bound as `jsonb`, or read from a json/jsonb column.
///
/// Holds the JSON text; `init(encoding:)` and `decode(_:)` bridge to `Codable`.
public struct PostgresJSON: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    /// The JSON text, as sent or as the server printed it (jsonb normalises spacing and key order).
    public var text: String

    /// Wraps JSON text as is; the server validates it when the statement runs.
    public init(text: String) {
        self.text = text
    }

    /// Encodes `value` with `encoder`.
    public init(encoding value: some Encodable, encoder: JSONEncoder = JSONEncoder()) throws {
        let data = try encoder.encode(value)
        self.text = String(decoding: data, as: UTF8.self)
    }

    /// Decodes the document as `type`; throws `.decodingFailed` when it does not match.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw DatabaseError(.decodingFailed, "JSON does not decode as \(T.self): \(error)")
        }
    }

    public var postgresText: String { text }
    public static var postgresTypeOID: UInt32 { PostgresOID.jsonb }
    public static var postgresBinaryTypeOID: UInt32? { PostgresOID.jsonb }
    /// jsonb's binary form: the format version (1), then the JSON text.
    public func appendPostgresBinary(to buffer: inout [UInt8]) {
        buffer.append(1)
        buffer.append(contentsOf: text.utf8)
    }

    public init(postgresText text: String, typeOID: UInt32) throws {
        guard PostgresOID.jsonTypes.contains(typeOID) else {
            throw decodingError(text, typeOID, as: PostgresJSON.self)
        }
        self.text = text
    }
}
