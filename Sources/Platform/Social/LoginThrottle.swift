public import Foundation

/// Failed log-ins back off: after `freeFailures` failures of a username or of a client address,
/// each further failure locks that key out for `firstLock`, doubling per failure up to
/// `longestLock`. The counts live in PostgreSQL (`login_failures`, migration 0015), so every
/// daemon on the database sees the same lock. `now` pins the clock in tests; nil is the
/// server's.
public struct LoginThrottle: Sendable {
    /// How failures lock keys out.
    public struct Configuration: Sendable, Hashable {
        /// Failures in a row that lock nothing.
        public var freeFailures: Int
        /// The lock after the first failure beyond the free ones.
        public var firstLock: Duration
        /// The longest lock.
        public var longestLock: Duration
        /// A key whose last failure is older than this starts counting again (and its row is
        /// deleted by `SessionSweeper`).
        public var forgetAfter: Duration

        /// Defaults: 5 free failures, then 1 s doubling to 15 minutes, forgotten after an hour.
        public init(
            freeFailures: Int = 5, firstLock: Duration = .seconds(1), longestLock: Duration = .seconds(900),
            forgetAfter: Duration = .seconds(3600)
        ) {
            self.freeFailures = freeFailures
            self.firstLock = firstLock
            self.longestLock = longestLock
            self.forgetAfter = forgetAfter
        }

        /// Throws 400 `invalid_configuration` for negative free failures or non-positive times.
        public func validate() throws {
            guard freeFailures >= 0, firstLock > .zero, longestLock >= firstLock, forgetAfter > .zero else {
                throw SocialError(
                    .invalid, "invalid_configuration",
                    "login throttle needs freeFailures >= 0, 0 < firstLock <= longestLock, forgetAfter > 0")
            }
        }
    }

    let pool: DatabasePool
    /// The settings the throttle counts with.
    public let configuration: Configuration

    /// A throttle on `pool`.
    public init(pool: DatabasePool, configuration: Configuration = Configuration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// The keys of a log-in attempt: the username's, and the client address's when known.
    /// Long values are keyed by their SHA-256 so a key always fits its column.
    static func keys(username: String, address: String?) -> [String] {
        [Self.key("user", username)] + (address.map { [Self.key("address", $0)] } ?? [])
    }

    private static func key(_ kind: String, _ value: String) -> String {
        value.utf8.count <= 64 ? "\(kind):\(value)" : "\(kind):sha256:\(SHA256.hex(Array(value.utf8)))"
    }

    /// Throws 429 `login_locked` with the seconds left while any of `keys` is locked.
    public func check(keys: [String], now: Date? = nil) async throws {
        let rows = try await pool.query(SocialQuery.loginLockout, [PostgresArray(keys), now])
        if let wait = try rows.first?["wait_seconds", as: Int64?.self] {
            throw SocialError(
                .rateLimited(retryAfterSeconds: Int(clamping: max(1, wait))), "login_locked",
                "too many failed log-ins; try again later")
        }
    }

    /// Counts one failure for each key, locking those past the free failures.
    public func recordFailure(keys: [String], now: Date? = nil) async throws {
        try await pool.query(
            SocialQuery.recordLoginFailure,
            [
                PostgresArray(keys), Int32(clamping: configuration.freeFailures), configuration.firstLock.queueSeconds,
                configuration.longestLock.queueSeconds, configuration.forgetAfter.queueSeconds, now,
            ])
    }

    /// Forgets a key's failures (the username's, after a successful log-in).
    public func clear(key: String) async throws {
        try await pool.query(SocialQuery.clearLoginFailures, [key])
    }
}
