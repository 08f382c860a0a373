extension DatabasePool {
    /// Runs a read through `replica` when there is one (see `ReadReplica.read(for:_:)`), else
    /// on this pool. `user` is the reader, whose own recent writes keep them on the primary.
    func read<T: Sendable>(
        via replica: ReadReplica?, for user: Int64? = nil, _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        guard let replica else { return try await withConnection(body) }
        return try await replica.read(for: user, body)
    }
}
