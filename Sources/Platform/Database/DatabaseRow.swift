public import Foundation

/// One row of a `QueryResult`, decoded column by column.
///
/// ```swift
/// let id = try row.decode(Int64.self, column: "id")
/// let caption = try row.decode(String?.self, at: 1)
/// ```
public struct DatabaseRow: Sendable {
    /// The columns of the result this row belongs to.
    public let columns: [QueryResult.Column]
    let cells: ArraySlice<String?>

    /// The raw text of a column, nil for SQL NULL.
    public func text(at index: Int) -> String? {
        cells[cells.startIndex + index]
    }

    /// Decodes the column at `index` (0-based).
    ///
    /// Throws `.decodingFailed` for an index out of range, a NULL read as a non-optional type,
    /// or text that does not parse as `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard columns.indices.contains(index) else {
            throw DatabaseError(.decodingFailed, "no column \(index): the row has \(columns.count)")
        }
        let column = columns[index]
        do {
            guard let text = cells[cells.startIndex + index] else { return try T.postgresNull() }
            return try T(postgresText: text, typeOID: column.typeOID)
        } catch var error as DatabaseError {
            error.message = "column \(index) (\(column.name)): \(error.message)"
            throw error
        }
    }

    /// Decodes the first column called `name`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws -> T {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            let names = columns.map(\.name).joined(separator: ", ")
            throw DatabaseError(.decodingFailed, "no column named \(name) (columns: \(names))")
        }
        return try decode(type, at: index)
    }

    /// `row["id", as: Int64.self]`: the same as `decode(_:column:)`.
    public subscript<T: PostgresDecodable>(name: String, as type: T.Type) -> T {
        get throws { try decode(type, column: name) }
    }

    /// Decodes a json/jsonb column with `Codable`.
    public func decodeJSON<T: Decodable>(
        _ type: T.Type, column name: String, decoder: JSONDecoder = JSONDecoder()
    ) throws -> T {
        try decode(PostgresJSON.self, column: name).decode(type, decoder: decoder)
    }
}
