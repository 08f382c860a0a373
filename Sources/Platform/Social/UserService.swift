public import CoreMetrics
public import Foundation

/// Users and sessions: registration, log-in with bcrypt, hashed revocable bearer tokens.
public struct UserService: Sendable {
    let pool: DatabasePool
    /// Where profile reads go when set (see `ReadReplica`).
    let replica: ReadReplica?
    /// Where avatar URLs point.
    let links: MediaLinks
    let passwords: PasswordHasher
    /// An unmatchable hash at the configured cost: log-in verifies against it when the username
    /// is unknown, so both failures cost one bcrypt and answer in the same time.
    let absentUserHash: String
    /// Token hash → user id of live sessions, for `configuration.sessionCacheTTL`.
    let sessions: ExpiringCache<String, String, Int64>
    /// Maximum and idle age of a session, in seconds.
    let sessionAges: (maximum: Double, idle: Double)
    /// Failed log-ins per username and address.
    public let throttle: LoginThrottle
    /// How long a deleted account's username stays taken, in seconds.
    let usernameGrace: Double

    /// A service on `pool` hashing passwords at `configuration.bcryptCost`; the session cache's
    /// look-ups are counted in `metrics` (`cache="session"`).
    public init(
        pool: DatabasePool, configuration: SocialConfiguration = SocialConfiguration(), replica: ReadReplica? = nil,
        links: MediaLinks = MediaLinks(), metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.pool = pool
        self.replica = replica
        self.links = links
        passwords = PasswordHasher(
            cost: configuration.bcryptCost,
            pool: BcryptPool(threads: configuration.bcryptThreads, maximumWaiting: 32 * configuration.bcryptThreads))
        sessionAges = (configuration.sessionMaximumAge.queueSeconds, configuration.sessionIdleAge.queueSeconds)
        usernameGrace = configuration.usernameGracePeriod.queueSeconds
        throttle = LoginThrottle(pool: pool, configuration: configuration.loginThrottle)
        absentUserHash = passwords.unmatchableHash()
        sessions = ExpiringCache(
            timeToLive: configuration.sessionCacheTTL, capacity: configuration.sessionCacheCapacity, name: "session",
            metrics: metrics)
    }

    /// Creates a user: username of 3–30 characters `a-z`, `0-9`, `_`; password of 8–72
    /// characters (Unicode scalars, as `openapi.yaml`'s minLength and maxLength count them;
    /// `PasswordHasher` hashes one longer than bcrypt's 72 bytes whole).
    public func register(username: String, password: String) async throws -> RegisteredUser {
        guard username.utf8.count >= 3, username.utf8.count <= 30,
            username.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 })
        else {
            throw SocialError(.invalid, "invalid_username", "usernames are 3 to 30 characters of a-z, 0-9 and _")
        }
        try StoredText.refuseNUL(password, field: "a password")
        guard (8...72).contains(StoredText.length(password)) else {
            throw SocialError(.invalid, "invalid_password", "passwords are 8 to 72 characters long")
        }
        let hash = try await passwords.hash(password)
        do {
            let rows = try await pool.query(SocialQuery.insertUser, [username, hash])
            guard !rows.isEmpty else {
                throw SocialError(.conflict, "username_taken", "that username is taken")
            }
            return RegisteredUser(userID: String(try rows[0]["id", as: Int64.self]), username: username)
        } catch let error as DatabaseError where error.sqlState == "23505" {
            throw SocialError(.conflict, "username_taken", "that username is taken")
        }
    }

    /// Checks the password and opens a session; a wrong name or password is the same 401 after
    /// the same work (an unknown name is checked against `absentUserHash`). While the username
    /// or the client's `address` is locked by `throttle` the answer is 429 without a check;
    /// a failure counts against both, a success clears the username's count.
    public func logIn(username: String, password: String, address: String? = nil) async throws -> NewSession {
        // Cut at a NUL, "alice\0x" would be looked up as "alice".
        try StoredText.refuseNUL(username, field: "a username")
        try StoredText.refuseNUL(password, field: "a password")
        let keys = LoginThrottle.keys(username: username, address: address)
        try await throttle.check(keys: keys)
        let rows = try await pool.query(SocialQuery.userCredentials, [username])
        let stored = try rows.first?["password_hash", as: String.self]
        let matches = try await passwords.verify(password, hash: stored ?? absentUserHash)
        guard let row = rows.first, stored != nil, matches else {
            try await throttle.recordFailure(keys: keys)
            throw SocialError(.unauthorized, "invalid_credentials", "wrong username or password")
        }
        try await throttle.clear(key: keys[0])
        let userID = try row["id", as: Int64.self]
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try await pool.query(SocialQuery.insertSession, [Self.tokenHash(token), userID])
        return NewSession(token: token, userID: String(userID))
    }

    /// The user a live bearer token belongs to; throws 401 for unknown, revoked or expired
    /// tokens (older than `sessionMaximumAge`, or unused for `sessionIdleAge`). `now` pins the
    /// clock (tests); nil is the server's.
    ///
    /// A token found live is remembered for `sessionCacheTTL` (unknown, revoked and expired
    /// ones are not), so a client's requests after the first skip the database, and a token
    /// may outlive its expiry by that much.
    public func authenticate(token: String, now: Date? = nil) async throws -> Int64 {
        let hash = Self.tokenHash(token)
        return try await sessions.value(for: hash, group: hash, load: sessionLoader(hash: hash, now: now))
    }

    /// What `authenticate` runs on a cache miss: the session look-up of the token `hash`.
    func sessionLoader(hash: String, now: Date? = nil) -> @Sendable () async throws -> Int64 {
        let pool = pool
        let parameters = sessionParameters(hash: hash, now: now)
        return {
            let rows = try await pool.queryPrepared(SocialQuery.sessionUser, parameters)
            guard let row = rows.first else { throw SocialError.unauthorized }
            return try row["user_id", as: Int64.self]
        }
    }

    /// `$1` to `$4` of `SessionUser` (and of `SessionFeedPage`) for the token `hash`.
    func sessionParameters(hash: String, now: Date? = nil) -> [(any PostgresEncodable)?] {
        [hash, sessionAges.maximum, sessionAges.idle, now]
    }

    /// Revokes a token; throws 401 when it is unknown or already revoked. This process
    /// forgets the token at once, including a look-up of it in flight.
    public func logOut(token: String) async throws {
        let hash = Self.tokenHash(token)
        let result = try await pool.query(SocialQuery.revokeSession, [hash])
        sessions.invalidate(hash)
        guard result.affectedRows == 1 else { throw SocialError.unauthorized }
    }

    /// A user's profile with its counts and avatar; 404 when there is no such user, when it is
    /// being deleted, or when it and `viewer` block each other. Read from the replica when there
    /// is one; a user it does not know yet (registered within its lag) is looked up on the primary.
    public func profile(userID: Int64, viewer: Int64? = nil) async throws -> UserProfile {
        var rows = try await pool.read(via: replica) { try $0.query(SocialQuery.userProfile, [userID, viewer]) }
        if rows.isEmpty, replica != nil { rows = try await pool.query(SocialQuery.userProfile, [userID, viewer]) }
        guard let row = rows.first else { throw SocialError.notFound("user") }
        return UserProfile(
            userID: String(userID), username: try row["username", as: String.self],
            displayName: try row["display_name", as: String.self], bio: try row["bio", as: String.self],
            avatar: try row["avatar_prefix", as: String?.self].map { AvatarService.view(prefix: $0, links: links) },
            followerCount: try row["follower_count", as: Int64.self],
            followingCount: try row["following_count", as: Int64.self],
            postCount: try row["post_count", as: Int64.self])
    }

    /// The session look-up `authenticate` runs on a cache miss (`SessionUser` in
    /// `Social/SocialQueries/users.sql`, where its parameters are described), so
    /// `scripts/bench api` runs the very statement with pgbench.
    public static func sessionSQL() throws -> String {
        try SocialQuery.sessionUser.text
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hex(Array(token.utf8))
    }
}
