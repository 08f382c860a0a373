public import Logging
import Synchronization

/// Receives `NOTIFY`s on a fixed set of channels over its own dedicated connection.
///
/// The connection waits on its own thread in `poll()`, so waiting costs no cooperative
/// thread and no CPU. When the connection breaks the listener reconnects (with the pool's
/// backoff) and listens again; notifications sent while it was disconnected are lost, so
/// callers that must not miss work should also poll.
///
/// ```swift
/// let listener = try await DatabaseListener(url: url, channels: ["jobs"], logger: logger)
/// if let notification = try await listener.next(timeout: .seconds(5)) { … }
/// ```
public final class DatabaseListener: Sendable {
    /// The channels this listener listens on, as given (case-sensitive).
    public let channels: [String]
    private let pool: DatabasePool
    private let wake: WakeSignal
    private let logger: Logger
    private let closing = Atomic<Bool>(false)
    private let connections: ConnectionCount
    private let waits = Atomic<Int>(0)

    /// Connects and listens before returning, so no notification sent after this returns is
    /// missed. `configuration.size` is ignored: a listener has exactly one connection.
    ///
    /// Throws `.invalidConfiguration` for a bad channel name or URL, `.connectionFailed` when the
    /// server cannot be reached within `reconnectTimeout`.
    public init(configuration: DatabasePool.Configuration, channels: [String], logger: Logger) async throws {
        for channel in channels { try DatabaseConnection.validateChannel(channel) }
        var single = configuration
        single.size = 1
        self.channels = channels
        self.logger = logger
        wake = try WakeSignal()
        let connections = ConnectionCount()
        self.connections = connections
        pool = try DatabasePool(configuration: single, logger: logger) { connection in
            for channel in channels { try connection.listen(channel) }
            connections.value.add(1, ordering: .relaxed)
        }
        try await pool.withConnection { _ in }
    }

    /// Connects to `url` and listens on `channels`; see `init(configuration:channels:logger:)`.
    public convenience init(url: String, channels: [String], logger: Logger) async throws {
        try await self.init(configuration: .init(url: url, size: 1), channels: channels, logger: logger)
    }

    /// How many times the connection was lost and re-established since the listener started.
    /// Each time, notifications may have been missed: a caller that must not miss work checks
    /// for it once when this number changes.
    public var interruptions: Int {
        max(connections.value.load(ordering: .relaxed) - 1, 0)
    }

    /// How many waits (`next`, `dispatch`) are on the listener's connection now, past getting
    /// it: tests await this instead of sleeping until a wait has begun.
    var waiting: Int { waits.load(ordering: .acquiring) }

    /// The next notification, or nil when `timeout` passes without one.
    ///
    /// Returns promptly with `.cancelled` when the calling task is cancelled. Reconnects
    /// transparently when the connection breaks; throws `.connectionFailed` if it cannot, and
    /// `.poolClosed` after `close()`.
    public func next(timeout: Duration) async throws -> PostgresNotification? {
        let deadline = ContinuousClock.now + timeout
        return try await onConnection { [self] connection, isCancelled, _ in
            try connection.waitForNotification(
                timeout: max(ContinuousClock.now.duration(to: deadline), .zero), wake: wake, isCancelled: isCancelled)
        }
    }

    /// Calls `handle` for every notification, on the listener's own thread as soon as it is read
    /// (no hop through the async executor, so keep `handle` short and non-blocking), until the
    /// calling task is cancelled (throws `.cancelled`) or the listener is closed (throws
    /// `.poolClosed`). Reconnects transparently when the connection breaks, and then calls
    /// `afterInterruption` once before waiting again: notifications sent meanwhile were missed.
    /// Throws `.connectionFailed` when it cannot reconnect.
    public func dispatch(
        _ handle: @escaping @Sendable (PostgresNotification) -> Void,
        afterInterruption: @escaping @Sendable () -> Void
    ) async throws {
        try await onConnection { [self] (connection, isCancelled, reconnected) -> Void in
            if reconnected { afterInterruption() }
            while true {
                if let notification = try connection.waitForNotification(timeout: .seconds(60), wake: wake, isCancelled: isCancelled) {
                    handle(notification)
                }
            }
        }
    }

    /// Runs `body` on the listening connection until it returns or throws, with an
    /// `isCancelled` that is true once the calling task is cancelled or the listener closed.
    /// When the connection breaks, logs it and runs `body` again on a new connection with
    /// `reconnected` true (notifications sent meanwhile were missed). A wait ended by `close()`
    /// throws `.poolClosed`.
    private func onConnection<T: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection, _ isCancelled: () -> Bool, _ reconnected: Bool) throws -> T
    ) async throws -> T {
        var reconnected = false
        while true {
            do {
                return try await pool.withConnection(cancellation: JobCancellation(wake: wake)) {
                    [self, reconnected] connection, cancellation in
                    waits.add(1, ordering: .acquiringAndReleasing)
                    defer { waits.subtract(1, ordering: .acquiringAndReleasing) }
                    return try body(connection, { cancellation.isCancelled || closing.load(ordering: .acquiring) }, reconnected)
                }
            } catch let error as DatabaseError where error.code == .cancelled && closing.load(ordering: .acquiring) {
                throw DatabaseError(.poolClosed, "the listener is closed")
            } catch let error as DatabaseError where error.code == .connectionLost {
                logger.warning(
                    "listener lost its connection; reconnecting (notifications sent meanwhile are missed)",
                    metadata: ["error": "\(error)"])
            }
            reconnected = true
        }
    }

    /// Notifications as an async sequence; ends with an error when the task is cancelled, the
    /// listener is closed, or it cannot reconnect.
    public func notifications() -> AsyncThrowingStream<PostgresNotification, any Error> {
        AsyncThrowingStream(unfolding: { [self] in
            while true {
                if let notification = try await next(timeout: .seconds(60)) { return notification }
            }
        })
    }

    /// Closes the connection; a wait in progress ends at once with `.poolClosed`.
    public func close() async {
        closing.store(true, ordering: .releasing)
        wake.signal()
        await pool.close()
    }
}

/// Counts the listener's successful connections; shared with the pool's connect hook.
private final class ConnectionCount: Sendable {
    let value = Atomic<Int>(0)
}
