/// Running a catalog's named statements (see `QueryCatalog`).
extension DatabaseConnection {
    /// `query(_:_:)` with the text of `statement`.
    @discardableResult
    func query(_ statement: some NamedQuery, _ parameters: [(any PostgresEncodable)?] = []) throws -> QueryResult {
        try query(try statement.text, parameters)
    }
}

extension DatabasePool {
    /// `query(_:_:)` with the text of `statement`.
    @discardableResult
    func query(_ statement: some NamedQuery, _ parameters: [(any PostgresEncodable)?] = []) async throws -> QueryResult {
        try await query(try statement.text, parameters)
    }

    /// `queryPrepared(_:_:)` with the text of `statement`: prepared once per connection.
    func queryPrepared(_ statement: some NamedQuery, _ parameters: [(any PostgresEncodable)?] = []) async throws
        -> QueryResult
    {
        try await queryPrepared(try statement.text, parameters)
    }
}
