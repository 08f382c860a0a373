import Foundation

/// A JSON value from a manifest or an expectation file, kept as a tree so two manifests can be
/// compared field by field.
///
/// Decoding tries Bool before numbers and Int before Double, so `true`, `3` and `2.5` keep
/// their JSON types. Encoding with sorted keys gives the stable files `verify --update` writes.
enum ManifestValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([ManifestValue])
    case object([String: ManifestValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ManifestValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ManifestValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON bytes.
    static func parse(_ data: Data) throws -> ManifestValue {
        try JSONDecoder().decode(ManifestValue.self, from: data)
    }

    /// Pretty JSON with sorted keys and a final newline: the expectation file format.
    func prettyJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// The member `key` of an object; nil for other values or a missing key.
    subscript(key: String) -> ManifestValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The value with every object member named in `keys` removed, at any depth.
    func removing(keys: Set<String>) -> ManifestValue {
        switch self {
        case .object(let members):
            return .object(members.filter { !keys.contains($0.key) }.mapValues { $0.removing(keys: keys) })
        case .array(let items):
            return .array(items.map { $0.removing(keys: keys) })
        default:
            return self
        }
    }

    /// Compact one-line JSON for diffs (`"jpeg"`, `640`, `{…}` for containers).
    var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let items): return "[\(items.count) items]"
        case .object: return "{…}"
        }
    }

    /// The value as a number, for tolerance checks.
    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }
}
