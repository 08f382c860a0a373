import CLibPQ
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One blocking libpq connection.
///
/// Not thread-safe and not `Sendable`: libpq forbids concurrent use of a connection, so one
/// thread at a time must own it. Async code goes through `DatabasePool`, which keeps each
/// connection on its own thread. Every call blocks the calling thread until the server answers.
///
/// The session is set to `TimeZone = UTC`, `DateStyle = ISO`, `bytea_output = hex` and
/// `client_encoding = UTF8` so decoding is deterministic. Server notices (`RAISE NOTICE`,
/// warnings) go to the logger. The connection closes when the object is released.
public final class DatabaseConnection {
    /// Where server notices and warnings are logged.
    public let logger: Logger
    let handle: OpaquePointer
    private let noticeSink: NoticeSink
    /// Cancels the running statement from another thread (the pool's cancellation handler).
    let canceller: QueryCanceller?
    /// Checked before each `query` and `execute`: the pool sets it to its job's cancellation.
    var isCancelled: () -> Bool = { false }
    /// Statements prepared on this session by `queryPrepared`: SQL text to statement name and
    /// the parameter types it was prepared with.
    private var prepared: [String: (name: String, types: [UInt32])] = [:]

    /// Connects (blocking) to `url`: a libpq URL (`postgresql://user@host/db?host=/socket/dir`)
    /// or `key=value` conninfo.
    ///
    /// Throws `.invalidConfiguration` for a malformed URL, `.connectionFailed` when the server
    /// cannot be reached or refuses the login.
    public init(url: String, logger: Logger) throws {
        try LibPQ.validateConnectionString(url)
        // Keywords before `dbname` are defaults that the URL may override.
        handle = try LibPQ.connect(
            keywords: ["connect_timeout", "client_encoding", "fallback_application_name", "dbname"],
            values: ["10", "UTF8", "mediadaemon", url])
        self.logger = logger
        noticeSink = NoticeSink(logger: logger)
        canceller = QueryCanceller(handle)
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(noticeSink).toOpaque())
        // JIT off: every statement here is short, and a batch statement whose cost estimate
        // crosses the JIT threshold would spend seconds compiling what runs in milliseconds.
        try LibPQ.executeScript(
            handle,
            "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET bytea_output = 'hex'; SET extra_float_digits = 1; SET jit = off")
    }

    deinit {
        // PQfinish runs before `noticeSink` is released, so the receiver never sees a dangling box.
        PQfinish(handle)
    }

    /// Runs one statement with `$1`, `$2`… bound to `parameters` (nil is SQL NULL) and returns
    /// its rows.
    ///
    /// Only a single statement is accepted. Throws `.queryFailed` with the server's SQLSTATE
    /// when the server rejects it, `.connectionLost` when the connection broke.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws -> QueryResult {
        try checkCancellation()
        return try LibPQ.execute(handle, sql, parameters)
    }

    /// `query(_:_:)` through a statement prepared once per connection: the server parses and
    /// plans it once rather than at every call. For hot, fixed statements (a large join is
    /// planned in about as long as it runs); parameter types are those of the first call.
    @discardableResult
    public func queryPrepared(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws -> QueryResult {
        try checkCancellation()
        guard parameters.count <= LibPQ.maximumParameters else { return try query(sql, parameters) }
        let statement: (name: String, types: [UInt32])
        if let known = prepared[sql] {
            statement = known
        } else {
            statement = ("md_\(prepared.count + 1)", LibPQ.parameterTypes(parameters))
            try LibPQ.prepare(handle, name: statement.name, sql, types: statement.types)
            prepared[sql] = statement
        }
        return try LibPQ.executePrepared(
            handle, name: statement.name, sql: sql, preparedTypes: statement.types, parameters)
    }

    /// Runs a script of one or more statements without parameters (migrations, `SET`, DDL).
    ///
    /// Statements run in one implicit transaction unless the script has its own `BEGIN`/`COMMIT`.
    public func execute(_ script: String) throws {
        try checkCancellation()
        try LibPQ.executeScript(handle, script)
    }

    private func checkCancellation() throws {
        if isCancelled() { throw DatabaseError(.cancelled, "the task using this connection was cancelled") }
    }

    /// Runs `body` between `BEGIN` and `COMMIT`; rolls back and rethrows when `body` throws.
    ///
    /// Throws `.queryFailed` when called inside an open transaction (nesting is not supported),
    /// or when the transaction had already failed so `COMMIT` rolled it back.
    @discardableResult
    public func transaction<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        guard PQtransactionStatus(handle) == PQTRANS_IDLE else {
            throw DatabaseError(.queryFailed, "transaction() cannot start inside an open transaction")
        }
        try LibPQ.executeScript(handle, "BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            rollBackIfInTransaction()
            throw error
        }
        // COMMIT of a transaction in which a statement failed succeeds with the tag ROLLBACK.
        let tag = try LibPQ.executeScript(handle, "COMMIT")
        guard tag != "ROLLBACK" else {
            throw DatabaseError(.queryFailed, "the transaction had failed and was rolled back instead of committed")
        }
        return value
    }

    /// True while libpq considers the connection usable. Does not talk to the server.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The backend's process id, as `pg_backend_pid()` reports it.
    public var backendProcessID: Int32 { PQbackendPID(handle) }

    /// Cheap liveness check without a round trip: reads whatever the server already sent (a
    /// shutdown message, end of file) and reports whether the connection survived it.
    func isAlive() -> Bool {
        guard isConnected else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        // A server that exits sends its FATAL message and then closes: the first read may only
        // take the message, the next one sees end of file.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            if PQconsumeInput(handle) == 0 { return false }
        }
        return isConnected
    }

    /// Ends a transaction a caller left open so the next user starts clean. False when the
    /// connection is still not idle afterwards (the rollback failed, or a result is pending).
    @discardableResult
    func rollBackIfInTransaction() -> Bool {
        let status = PQtransactionStatus(handle)
        if status == PQTRANS_INTRANS || status == PQTRANS_INERROR {
            do {
                try LibPQ.executeScript(handle, "ROLLBACK")
            } catch {
                logger.warning("rollback failed", metadata: ["error": "\(error)"])
            }
        }
        return PQtransactionStatus(handle) == PQTRANS_IDLE
    }
}

/// Receives libpq notices for one connection and logs them. libpq calls back on the thread
/// that is using the connection, so this needs no locking.
private final class NoticeSink {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func receive(_ result: OpaquePointer) {
        let notice = LibPQ.notice(result)
        var metadata: Logger.Metadata = ["postgres.severity": "\(notice.severity)"]
        if let sqlState = notice.sqlState { metadata["postgres.sqlstate"] = "\(sqlState)" }
        let level: Logger.Level =
            switch notice.severity {
            case "WARNING": .warning
            case "NOTICE": .notice
            case "INFO", "LOG": .info
            default: .debug
            }
        logger.log(level: level, "\(notice.message)", metadata: metadata)
    }
}
