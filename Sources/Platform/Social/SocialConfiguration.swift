import Foundation

/// Tunables of the social services; defaults match DESIGN.md.
public struct SocialConfiguration: Sendable {
    /// Authors with at least this many followers are not fanned out; readers pull their posts.
    public var celebrityFollowerThreshold: Int64
    /// Rows kept per materialised timeline.
    public var timelineLength: Int
    /// bcrypt cost (log2 rounds); tests lower it.
    public var bcryptCost: UInt8
    /// How long a bearer token's user is remembered after it was looked up; zero looks every
    /// request up. A log-out through this process forgets it at once; a revocation made
    /// through another process sharing the database is honoured here within this time.
    public var sessionCacheTTL: Duration
    /// Most tokens remembered.
    public var sessionCacheCapacity: Int
    /// How long a rendered feed page (per reader, cursor and limit) is served again; zero reads
    /// every page afresh. Writes through this process that change what a reader sees drop that
    /// reader's pages at once (a deletion drops all); other processes' writes show within it.
    public var feedCacheTTL: Duration
    /// Most feed pages kept (a page of 20 posts is about 12 KB).
    public var feedCacheCapacity: Int
    /// A session is refused this long after it was opened, however much it is used.
    public var sessionMaximumAge: Duration
    /// A session is refused when it has not been used for this long (use is recorded at most
    /// once a minute, so this is at least two minutes).
    public var sessionIdleAge: Duration
    /// Threads that run bcrypt (log-in and registration); at most 32 hashes per thread wait.
    public var bcryptThreads: Int
    /// How failed log-ins lock a username or an address out.
    public var loginThrottle: LoginThrottle.Configuration
    /// How long a deleted account's username cannot be registered again (its tombstone).
    public var usernameGracePeriod: Duration = .seconds(30 * 86_400)
    /// How long moderation records about a deleted post or account (the reports against it,
    /// the hash-list matches of its media) are kept after it went; then the maintenance
    /// deletes them.
    public var moderationRetention: Duration = .seconds(365 * 86_400)

    /// Defaults: threshold 10,000, timelines of 800, bcrypt cost 12, sessions remembered 5 s
    /// (100,000 tokens), feed pages kept 1 s (2,048 pages), sessions live 30 days and 7 idle,
    /// bcrypt on half the cores (at least one thread); a deleted account's username is free
    /// again after 30 days, and reports about deleted posts and accounts are kept a year.
    public init(
        celebrityFollowerThreshold: Int64 = 10_000, timelineLength: Int = 800, bcryptCost: UInt8 = 12,
        sessionCacheTTL: Duration = .seconds(5), sessionCacheCapacity: Int = 100_000,
        feedCacheTTL: Duration = .seconds(1), feedCacheCapacity: Int = 2048,
        sessionMaximumAge: Duration = .seconds(30 * 86_400), sessionIdleAge: Duration = .seconds(7 * 86_400),
        bcryptThreads: Int? = nil,
        loginThrottle: LoginThrottle.Configuration = LoginThrottle.Configuration()
    ) {
        self.sessionMaximumAge = sessionMaximumAge
        self.sessionIdleAge = sessionIdleAge
        self.bcryptThreads = bcryptThreads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
        self.loginThrottle = loginThrottle
        self.celebrityFollowerThreshold = celebrityFollowerThreshold
        self.timelineLength = timelineLength
        self.bcryptCost = bcryptCost
        self.sessionCacheTTL = sessionCacheTTL
        self.sessionCacheCapacity = sessionCacheCapacity
        self.feedCacheTTL = feedCacheTTL
        self.feedCacheCapacity = feedCacheCapacity
    }
}
