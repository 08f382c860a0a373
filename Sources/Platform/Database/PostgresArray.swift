/// A one-dimensional PostgreSQL array, as a parameter or a result column.
///
/// ```swift
/// try pool.query("SELECT * FROM jobs WHERE id = ANY($1)", [PostgresArray(ids)])
/// let tags = try row.decode(PostgresArray<String>.self, column: "tags").elements
/// ```
/// Decode `PostgresArray<T?>` when elements may be NULL; `PostgresNullableArray` sends NULL
/// elements. Arrays of types with a binary form (all the built-in ones, strings as `text[]`)
/// are sent in binary.
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
        PostgresArrayEncoding.text(elements.lazy.map(Optional.some))
    }

    /// The array type of `Element`'s type (`text[]` for strings), or 0 (inferred) when
    /// `Element` leaves its own to the server.
    public static var postgresTypeOID: UInt32 { PostgresArrayEncoding.arrayTypeOID(of: Element.self) }

    public static var postgresBinaryTypeOID: UInt32? { PostgresArrayEncoding.binaryArrayTypeOID(of: Element.self) }

    public func appendPostgresBinary(to buffer: inout [UInt8]) {
        PostgresArrayEncoding.appendBinary(elements.lazy.map(Optional.some), count: elements.count, to: &buffer)
    }
}

/// A one-dimensional array parameter whose elements may be NULL (`nil`).
///
/// ```swift
/// try pool.query("SELECT coalesce(t, now()) FROM unnest($1::timestamptz[]) AS t", [PostgresNullableArray(times)])
/// ```
/// Decode such columns as `PostgresArray<T?>`.
public struct PostgresNullableArray<Wrapped: PostgresEncodable>: PostgresEncodable, Sendable {
    /// The elements, in order; nil is SQL NULL.
    public var elements: [Wrapped?]

    public init(_ elements: [Wrapped?]) {
        self.elements = elements
    }

    /// `{"a",NULL}`: non-NULL elements quoted.
    public var postgresText: String { PostgresArrayEncoding.text(elements) }

    public static var postgresTypeOID: UInt32 { PostgresArrayEncoding.arrayTypeOID(of: Wrapped.self) }

    public static var postgresBinaryTypeOID: UInt32? { PostgresArrayEncoding.binaryArrayTypeOID(of: Wrapped.self) }

    public func appendPostgresBinary(to buffer: inout [UInt8]) {
        PostgresArrayEncoding.appendBinary(elements, count: elements.count, to: &buffer)
    }
}

/// The text and binary forms shared by `PostgresArray` and `PostgresNullableArray`.
enum PostgresArrayEncoding {
    static func elementTypeOID<Element: PostgresEncodable>(of _: Element.Type) -> UInt32 {
        Element.postgresBinaryTypeOID ?? Element.postgresTypeOID
    }

    static func arrayTypeOID<Element: PostgresEncodable>(of element: Element.Type) -> UInt32 {
        let elementOID = elementTypeOID(of: element)
        guard elementOID != PostgresOID.unspecified else { return PostgresOID.unspecified }
        return PostgresOID.arrayTypes.first { $0.value == elementOID }?.key ?? PostgresOID.unspecified
    }

    /// The array type when elements have a binary form the server can read as array elements.
    static func binaryArrayTypeOID<Element: PostgresEncodable>(of element: Element.Type) -> UInt32? {
        guard Element.postgresBinaryTypeOID != nil else { return nil }
        let oid = arrayTypeOID(of: element)
        return oid == PostgresOID.unspecified ? nil : oid
    }

    static func text<Element: PostgresEncodable>(_ elements: some Sequence<Element?>) -> String {
        var text = "{"
        var first = true
        for element in elements {
            if !first { text += "," }
            first = false
            guard let element else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in element.postgresText.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }

    /// array_recv's layout: dimensions (0 for an empty array), a has-NULLs flag, the element
    /// type, each dimension's length and lower bound (1), then each element as a length word
    /// (-1 for NULL) and its bytes.
    static func appendBinary<Element: PostgresEncodable>(
        _ elements: some Sequence<Element?>, count: Int, to buffer: inout [UInt8]
    ) {
        var hasNull = false
        Int32(count == 0 ? 0 : 1).appendBigEndian(to: &buffer)
        let flagsAt = buffer.count
        Int32(0).appendBigEndian(to: &buffer)
        elementTypeOID(of: Element.self).appendBigEndian(to: &buffer)
        if count > 0 {
            Int32(count).appendBigEndian(to: &buffer)
            Int32(1).appendBigEndian(to: &buffer)
        }
        for element in elements {
            guard let element else {
                hasNull = true
                Int32(-1).appendBigEndian(to: &buffer)
                continue
            }
            let lengthAt = buffer.count
            Int32(0).appendBigEndian(to: &buffer)
            element.appendPostgresBinary(to: &buffer)
            patch(Int32(buffer.count - lengthAt - 4), at: lengthAt, in: &buffer)
        }
        if hasNull { patch(1, at: flagsAt, in: &buffer) }
    }

    private static func patch(_ value: Int32, at offset: Int, in buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes in
            for (index, byte) in bytes.enumerated() { buffer[offset + index] = byte }
        }
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
