public import Logging
import Synchronization

/// A PostgreSQL streaming replica that serves reads while it is fresh enough.
///
/// `check(now:)` (run every `checkInterval` by the daemon) compares WAL positions on the
/// primary and the replica (see `ReplicaLag` for the rule) and sets until when the replica may
/// serve: `freshThrough + maximumLag`. `read(for:_:)` runs a read there while that holds, and
/// on the primary otherwise: when the replica is down, unreachable, no standby, or behind.
/// A read that fails on the replica because of the replica (lost or refused connection, server
/// shutting down, a recovery conflict) runs again on the primary and marks the replica down
/// until the next check succeeds, so stopping the replica fails no request.
///
/// Read-your-writes: a user who wrote through this daemon within the last `maximumLag`
/// (`noteWrite(by:)`) reads from the primary; after that the replica holds the write. Writes
/// through another daemon show within `maximumLag` (plus any cache's TTL). Thread-safe.
public final class ReadReplica: Sendable {
    /// The replica's URL and the bound.
    public struct Configuration: Sendable {
        /// A libpq URL or conninfo string of the replica.
        public var url: String
        /// Connections to the replica.
        public var size: Int
        /// How stale the replica's data may be and still be read.
        public var maximumLag: Duration
        /// How often `check` runs (the daemon's loop); its resolution.
        public var checkInterval: Duration
        /// How long a read waits for a replica connection before it goes to the primary.
        public var connectTimeout: Duration

        public init(
            url: String, size: Int = 4, maximumLag: Duration = .seconds(5), checkInterval: Duration = .seconds(1),
            connectTimeout: Duration = .seconds(1)
        ) {
            self.url = url
            self.size = size
            self.maximumLag = maximumLag
            self.checkInterval = checkInterval
            self.connectTimeout = connectTimeout
        }
    }

    /// What the last check found, for `/readyz`.
    public struct Report: Sendable, Equatable {
        /// `streaming` (fresh: reads go to the replica), `behind`, `down`, or `unknown`
        /// (not checked yet).
        public var state: String
        /// Upper bound of the replica's staleness at the last check, in seconds; nil when unknown.
        public var lagSeconds: Double?
        /// Primary WAL not yet replayed on the replica, in bytes.
        public var bytesBehind: UInt64?
        /// Received but not yet replayed WAL on the replica, in bytes.
        public var replayBacklog: UInt64?
        /// Why the replica is not used, when it is not.
        public var reason: String?
    }

    public let configuration: Configuration
    /// The primary, for the checks and the fallback.
    public let primary: DatabasePool
    let replica: DatabasePool
    private let logger: Logger
    private let state: Mutex<State>
    /// Users who wrote through this daemon, and when.
    private let writers = Mutex<[Int64: ContinuousClock.Instant]>([:])

    private struct State {
        var lag: ReplicaLag
        /// The replica serves reads until then; nil: not at all.
        var usableUntil: ContinuousClock.Instant?
        var report = Report(state: "unknown")
    }

    /// Opens a pool on the replica (lazily connected). Nothing is read from it before the
    /// first `check`.
    public init(configuration: Configuration, primary: DatabasePool, logger: Logger) throws {
        self.configuration = configuration
        self.primary = primary
        self.logger = logger
        replica = try DatabasePool(
            configuration: .init(
                url: configuration.url, size: configuration.size, reconnectTimeout: configuration.connectTimeout,
                initialBackoff: .milliseconds(50), maximumBackoff: .milliseconds(250)),
            logger: logger)
        // Samples older than twice the bound (at least a minute) only say "behind".
        let history = max(configuration.maximumLag * 2, .seconds(60))
        state = Mutex(State(lag: ReplicaLag(history: history)))
    }

    /// What the last check found.
    public var report: Report { state.withLock { $0.report } }

    /// True when a read now would go to the replica (for a user with no recent write).
    public var isServingReads: Bool {
        let now = ContinuousClock.now
        return state.withLock { state in state.usableUntil.map { now < $0 } ?? false }
    }

    /// Reads both servers' WAL positions and decides until when the replica serves.
    public func check(now: @Sendable () -> ContinuousClock.Instant = { .now }) async {
        let sampled = now()
        do {
            let row = try await primary.query(ReplicaQuery.primaryWALPosition).first
            guard let text = try row?["position", as: String.self], let position = WALPosition(text) else {
                throw DatabaseError(.decodingFailed, "the primary reported no WAL position")
            }
            state.withLock { $0.lag.recordPrimary(position, at: sampled) }
        } catch {
            // Without the primary nothing can be judged; every read goes there anyway.
            markDown("primary position unavailable: \(error)")
            return
        }
        do {
            guard let row = try await replica.query(ReplicaQuery.replicaWALPositions).first else {
                throw DatabaseError(.decodingFailed, "the replica reported no WAL positions")
            }
            guard try row["standby", as: Bool.self] else {
                markDown("not a standby (promoted, or the primary itself)")
                return
            }
            guard let replayedText = try row["replayed", as: String?.self], let replayed = WALPosition(replayedText) else {
                markDown("the replica reported no replayed position")
                return
            }
            let received = try row["received", as: String?.self].flatMap(WALPosition.init)
            let checked = now()
            let changed = state.withLock { state -> (from: String, to: String)? in
                let before = state.report.state
                let fresh = state.lag.freshThrough(replayed: replayed)
                state.usableUntil = fresh.map { $0 + configuration.maximumLag }
                let lag = fresh.map { Self.seconds(checked - $0) }
                let serving = state.usableUntil.map { checked < $0 } ?? false
                state.report = Report(
                    state: serving ? "streaming" : "behind", lagSeconds: lag,
                    bytesBehind: state.lag.bytesBehind(replayed: replayed),
                    replayBacklog: received.map { $0.bytes(after: replayed) },
                    reason: serving ? nil : "behind by more than \(Self.seconds(configuration.maximumLag)) s")
                return before == state.report.state ? nil : (before, state.report.state)
            }
            if let changed { logger.notice("read replica \(changed.to)", metadata: ["was": "\(changed.from)"]) }
        } catch {
            markDown("replica unreachable: \(error)")
        }
    }

    /// Records that `user` wrote: their reads go to the primary for `maximumLag`.
    public func noteWrite(by user: Int64) {
        let now = ContinuousClock.now
        writers.withLock { writers in
            // Bounded: expired entries go when the map grows.
            if writers.count >= 65_536 { writers = writers.filter { now - $0.value < configuration.maximumLag } }
            writers[user] = now
        }
    }

    /// Runs `body` on the replica when it is fresh and `user` (when given) did not write lately,
    /// else on the primary; a failure of the replica's runs it on the primary.
    public func read<T: Sendable>(
        for user: Int64? = nil, _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        guard routesToReplica(user: user) else { return try await primary.withConnection(body) }
        do {
            return try await replica.withConnection(body)
        } catch let error as DatabaseError where Self.isReplicaFailure(error) {
            markDown("a read failed: \(error)")
            return try await primary.withConnection(body)
        }
    }

    /// Closes the replica's pool (not the primary's).
    public func close() async {
        await replica.close()
    }

    private func routesToReplica(user: Int64?) -> Bool {
        let now = ContinuousClock.now
        guard state.withLock({ state in state.usableUntil.map { now < $0 } ?? false }) else { return false }
        guard let user else { return true }
        let wrote = writers.withLock { $0[user] }
        return wrote.map { now - $0 >= configuration.maximumLag } ?? true
    }

    /// Failures that are the replica's, not the statement's: connections, shutdown, recovery
    /// conflicts (SQLSTATE 40001 on a standby), a closed pool.
    static func isReplicaFailure(_ error: DatabaseError) -> Bool {
        error.isTransient || error.code == .poolClosed || error.sqlState?.hasPrefix("57") == true
    }

    private func markDown(_ reason: String) {
        let changed = state.withLock { state -> Bool in
            state.usableUntil = nil
            let was = state.report.state
            state.report = Report(state: "down", reason: reason)
            return was != "down"
        }
        if changed { logger.warning("read replica down; reads go to the primary", metadata: ["reason": "\(reason)"]) }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return max(0, Double(seconds) + Double(attoseconds) / 1e18)
    }
}
