/// The rows a statement returned, copied out of libpq so they can cross threads.
///
/// A random-access collection of `DatabaseRow`s; `columns` describes their shape.
public struct QueryResult: Sendable, RandomAccessCollection {
    /// A result column: its name and its PostgreSQL type OID.
    public struct Column: Sendable, Hashable {
        /// The column's name or alias (`?column?` when the statement gave none).
        public var name: String
        /// `pg_type.oid` of the column's type; decoders use it to refuse unrelated types.
        public var typeOID: UInt32
    }

    /// The result's columns, in select-list order.
    public let columns: [Column]
    /// Rows inserted, updated, deleted, selected… as the command tag reports; nil when it
    /// reports none (DDL).
    public let affectedRows: Int?
    /// Row-major cells; nil is SQL NULL.
    let cells: [String?]

    init(columns: [Column], cells: [String?], affectedRows: Int?) {
        self.columns = columns
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : cells.count / columns.count }

    public subscript(position: Int) -> DatabaseRow {
        let start = position * columns.count
        return DatabaseRow(columns: columns, cells: cells[start..<start + columns.count])
    }
}
