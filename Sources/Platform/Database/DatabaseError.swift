/// A failure talking to PostgreSQL, or managing the embedded cluster.
///
/// `code` says what kind of failure it was; `sqlState` carries the server's SQLSTATE when the
/// server reported one, and `message` the library's or server's text plus our own context.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case connectionFailed = "connection_failed"
            case connectionLost = "connection_lost"
            case queryFailed = "query_failed"
            case decodingFailed = "decoding_failed"
            case poolClosed = "pool_closed"
            case timedOut = "timed_out"
            case cancelled = "cancelled"
            case migrationFailed = "migration_failed"
            case clusterFailed = "cluster_failed"
            case invalidConfiguration = "invalid_configuration"
            case queryMissing = "query_missing"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Could not connect (bad URL, server down, auth refused).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while in use; the operation may be retried on a new one.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected a statement; see `sqlState`.
        public static let queryFailed = Code(.queryFailed)
        /// A column could not be decoded as the requested Swift type.
        public static let decodingFailed = Code(.decodingFailed)
        /// The pool was shut down.
        public static let poolClosed = Code(.poolClosed)
        /// A wait ran past its deadline.
        public static let timedOut = Code(.timedOut)
        /// The waiting task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// A migration failed to apply; see `message` for which one.
        public static let migrationFailed = Code(.migrationFailed)
        /// The embedded cluster could not be created, started or stopped.
        public static let clusterFailed = Code(.clusterFailed)
        /// A configuration value (URL, directory, port) is unusable.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A named statement is missing from the module's bundled `.sql` files.
        public static let queryMissing = Code(.queryMissing)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// Five-character SQLSTATE from the server, when it sent one.
    public var sqlState: String?
    /// Where the error was thrown.
    public var file: String
    public var line: Int

    public init(
        _ code: Code, _ message: String, sqlState: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.file = file
        self.line = line
    }

    /// True when retrying the same operation later may succeed: lost connections,
    /// serialization failures, deadlocks, server shutdown.
    public var isTransient: Bool {
        if code == .connectionFailed || code == .connectionLost || code == .timedOut { return true }
        guard let sqlState else { return false }
        return sqlState == "40001" || sqlState == "40P01" || sqlState.hasPrefix("08")
            || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }
}
