/// A one-dimensional PostgreSQL array, as a parameter or a result column.
///
/// ```swift
/// try pool.query("SELECT * FROM jobs WHERE id = ANY($1)", [PostgresArray(ids)])
/// let tags = try row.decode(PostgresArray<String>.self, column: "tags").elements
/// ```
/// Decode `PostgresArray<T?>` when elements may be NULL. Encoded arrays never contain NULLs.
public struct PostgresArray<Element: Sendable>: Sendable {
    /// The elements, in order (PostgreSQL arrays are 1-based; this is 0-based).
    public var elements: [Element]

    /// Wraps `elements` for binding as an array parameter.
    public init(_ elements: [Element]) {
        self.elements = elements
    }
}

extension PostgresArray: Equatable where Element: Equatable {}

extension PostgresArray: PostgresEncodable where Element: PostgresEncodable {
    /// `{"a","b"}`: every element quoted, so any element text is safe.
    public var postgresText: String {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for character in element.postgresText.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }

    /// The array type of `Element`'s type, or 0 (inferred) when `Element` leaves its own to the server.
    public static var postgresTypeOID: UInt32 {
        PostgresOID.arrayTypes.first { $0.value == Element.postgresTypeOID }?.key ?? PostgresOID.unspecified
    }
}

extension PostgresArray: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        // Elements of array types not listed (enums, domains) are read as text.
        let elementOID = PostgresOID.arrayTypes[typeOID] ?? PostgresOID.text
        guard let items = PostgresArrayParser.parse(text) else {
            throw decodingError(text, typeOID, as: Self.self)
        }
        elements = try items.map { item in
            guard let item else { return try Element.postgresNull() }
            return try Element(postgresText: item, typeOID: elementOID)
        }
    }
}

/// Parses the text output of a one-dimensional array: `{a,"b c",NULL}`.
enum PostgresArrayParser {
    /// The elements (nil for NULL), or nil when `text` is not a one-dimensional array literal.
    static func parse(_ text: String) -> [String?]? {
        var scalars = Array(text.unicodeScalars)[...]
        // A lower bound other than 1 is printed first: `[0:2]={…}`.
        if scalars.first == "[" {
            guard let equals = scalars.firstIndex(of: "=") else { return nil }
            scalars = scalars[(equals + 1)...]
        }
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        scalars = scalars.dropFirst().dropLast()
        if scalars.isEmpty { return [] }

        var elements: [String?] = []
        var index = scalars.startIndex
        while true {
            guard index < scalars.endIndex else { return nil }
            if scalars[index] == "{" { return nil }  // more than one dimension
            if scalars[index] == "\"" {
                var element = String.UnicodeScalarView()
                index += 1
                while index < scalars.endIndex, scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    guard index < scalars.endIndex else { return nil }
                    element.append(scalars[index])
                    index += 1
                }
                guard index < scalars.endIndex else { return nil }
                index += 1
                elements.append(String(element))
            } else {
                let end = scalars[index...].firstIndex(of: ",") ?? scalars.endIndex
                guard end > index else { return nil }  // the server quotes empty strings
                let element = String(String.UnicodeScalarView(scalars[index..<end]))
                elements.append(element == "NULL" ? nil : element)
                index = end
            }
            if index == scalars.endIndex { return elements }
            guard scalars[index] == "," else { return nil }
            index += 1
        }
    }
}
