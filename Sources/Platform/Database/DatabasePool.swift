public import Logging
import Synchronization

/// A fixed set of PostgreSQL connections for async callers.
///
/// Each connection lives on its own dedicated thread (never Swift's cooperative pool), so a
/// `withConnection` body may block. Bodies run in submission order on the first free thread.
///
/// Before each use a connection is checked; a broken one (server restart, network failure)
/// is replaced, retrying with exponential backoff (`initialBackoff` doubling to
/// `maximumBackoff`, for at most `reconnectTimeout`). A statement that fails because the
/// connection broke under it throws `.connectionLost` (transient); the next call reconnects.
/// A transaction left open by a body is rolled back before the connection is reused.
public final class DatabasePool: Sendable {
    /// How to reach the server and how hard to try.
    public struct Configuration: Sendable {
        /// A libpq URL or conninfo string.
        public var url: String
        /// Number of connections, and of threads.
        public var size: Int
        /// How long to keep retrying when a connection cannot be (re)opened.
        public var reconnectTimeout: Duration
        /// First wait between connection attempts; doubles up to `maximumBackoff`.
        public var initialBackoff: Duration
        /// Longest wait between connection attempts.
        public var maximumBackoff: Duration

        public init(
            url: String, size: Int = 4, reconnectTimeout: Duration = .seconds(10),
            initialBackoff: Duration = .milliseconds(50), maximumBackoff: Duration = .seconds(2)
        ) {
            self.url = url
            self.size = size
            self.reconnectTimeout = reconnectTimeout
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }
    }

    /// The configuration the pool was created with.
    public let configuration: Configuration
    private let threads: ConnectionThreads
    private let lastJobID = Atomic<UInt64>(0)

    /// Starts the pool's threads; connections open lazily, on first use.
    ///
    /// Throws `.invalidConfiguration` for a malformed URL or a size below 1.
    public convenience init(url: String, size: Int = 4, logger: Logger) throws {
        try self.init(configuration: Configuration(url: url, size: size), logger: logger)
    }

    /// Starts the pool's threads; connections open lazily, on first use.
    public convenience init(configuration: Configuration, logger: Logger) throws {
        try self.init(configuration: configuration, logger: logger, onConnect: nil)
    }

    /// `onConnect` runs on each new connection before its first job (a listener's `LISTEN`s).
    init(
        configuration: Configuration, logger: Logger,
        onConnect: (@Sendable (DatabaseConnection) throws -> Void)?
    ) throws {
        guard configuration.size >= 1 else {
            throw DatabaseError(.invalidConfiguration, "a pool needs at least one connection")
        }
        try LibPQ.validateConnectionString(configuration.url)
        self.configuration = configuration
        threads = ConnectionThreads(configuration: configuration, logger: logger, onConnect: onConnect)
    }

    deinit {
        threads.close()
    }

    /// Runs `body` with a connection on that connection's thread and returns its result.
    ///
    /// Cancelling the task while the job waits for a free connection throws `.cancelled`; while
    /// the body runs, the server is asked to cancel its current statement (which then throws
    /// `.cancelled`) and later `query`/`execute` calls in the body throw `.cancelled`. Throws `.poolClosed` after `close()`, and
    /// `.connectionFailed` when no connection could be opened within `reconnectTimeout`.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        try await withConnection(cancellation: JobCancellation()) { connection, _ in try body(connection) }
    }

    /// `withConnection` for bodies that watch their own cancellation (a listener's wait).
    func withConnection<T: Sendable>(
        cancellation: JobCancellation,
        _ body: @escaping @Sendable (DatabaseConnection, JobCancellation) throws -> T
    ) async throws -> T {
        let id = lastJobID.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                threads.submit(
                    PoolJob(id: id, cancellation: cancellation) { connection in
                        let result = Result { try body(connection.get(), cancellation) }
                        continuation.resume(with: result.mapError { Self.reportingCancellation($0, cancellation) })
                    })
            }
        } onCancel: {
            cancellation.cancel()
            threads.cancel(id)
        }
    }

    /// A statement the server cancelled because the task was cancelled (SQLSTATE 57014) is
    /// reported as `.cancelled`, like every other cancellation.
    private static func reportingCancellation(_ error: any Error, _ cancellation: JobCancellation) -> any Error {
        guard cancellation.isCancelled, let error = error as? DatabaseError, error.sqlState == "57014" else {
            return error
        }
        return DatabaseError(.cancelled, "cancelled while running: \(error.message)", sqlState: error.sqlState)
    }

    /// Runs one parameterised statement; see `DatabaseConnection.query(_:_:)`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> QueryResult {
        try await withConnection { try $0.query(sql, parameters) }
    }

    /// `query(_:_:)` through a statement prepared once per connection; see
    /// `DatabaseConnection.queryPrepared(_:_:)`.
    public func queryPrepared(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> QueryResult {
        try await withConnection { try $0.queryPrepared(sql, parameters) }
    }

    /// Runs a multi-statement script without parameters; see `DatabaseConnection.execute(_:)`.
    public func execute(_ script: String) async throws {
        try await withConnection { try $0.execute(script) }
    }

    /// Runs `body` in a transaction on one connection; rolled back when `body` throws.
    @discardableResult
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        try await withConnection { try $0.transaction(body) }
    }

    /// Stops accepting work, fails queued jobs with `.poolClosed`, and returns once running
    /// bodies have finished and every connection is closed.
    public func close() async {
        threads.close()
        await threads.waitForExit()
    }
}
