import CLibPQ

/// Asks the server to cancel whatever statement one connection is running.
///
/// `@unchecked Sendable`: the `PGcancel` is immutable once created, and libpq documents
/// `PQcancel` as safe to call from any thread, even while another thread uses the connection.
final class QueryCanceller: @unchecked Sendable {
    private let cancel: OpaquePointer

    init?(_ connection: OpaquePointer) {
        guard let cancel = PQgetCancel(connection) else { return nil }
        self.cancel = cancel
    }

    deinit {
        PQfreeCancel(cancel)
    }

    /// Sends the cancel request (a short blocking exchange with the server). A statement that
    /// is cancelled fails with SQLSTATE 57014; when none is running the server ignores it.
    func send() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }
}
