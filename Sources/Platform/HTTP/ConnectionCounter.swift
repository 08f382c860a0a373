import Synchronization

/// Open HTTP connections against a cap: a connection past it is closed as soon as it is
/// accepted, so a flood of clients cannot hold the server's file descriptors and memory.
/// Thread-safe.
final class ConnectionCounter: Sendable {
    /// Most connections open at once.
    let limit: Int
    private let open = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Connections open now.
    var count: Int { open.withLock { $0 } }

    /// Takes a place; false (and nothing taken) when all `limit` are in use.
    func acquire() -> Bool {
        open.withLock { open in
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    /// Gives back a place taken by `acquire`.
    func release() {
        open.withLock { $0 = max(0, $0 - 1) }
    }
}
