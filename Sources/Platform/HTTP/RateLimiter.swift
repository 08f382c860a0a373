import Synchronization

/// In-memory token buckets per action and subject: uploads, likes, comments and follows per
/// user, comments per post, registrations and log-ins per client address and per username.
/// One process; a multi-process deployment gets one budget per process (failed log-ins are
/// also counted in PostgreSQL, by `LoginThrottle`, which every process shares).
final class RateLimiter: Sendable {
    enum Action: Hashable, Sendable {
        case upload, like, comment, commentOnPost, follow, register, logIn
    }

    /// Whose budget an action spends.
    enum Subject: Hashable, Sendable {
        case user(Int64)
        case post(Int64)
        case address(String)
        case username(String)
    }

    private struct Key: Hashable {
        var action: Action
        var subject: Subject
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Buckets kept before the full ones (untouched for long enough to refill) are dropped.
    static let capacity = 100_000

    private let limits: [Action: RateLimit]
    private let buckets = Mutex<[Key: Bucket]>([:])

    init(configuration: HTTPConfiguration) {
        limits = [
            .upload: configuration.uploadLimit, .like: configuration.likeLimit, .comment: configuration.commentLimit,
            .commentOnPost: configuration.commentPostLimit, .follow: configuration.followLimit,
            .register: configuration.registerLimit, .logIn: configuration.loginLimit,
        ]
    }

    /// Takes one of the user's tokens for `action`.
    func take(_ action: Action, userID: Int64, now: ContinuousClock.Instant = .now) throws(SocialError) {
        try take(action, .user(userID), now: now)
    }

    /// Takes one token or throws 429 `rate_limited` with the seconds until one is available.
    /// `now` pins the clock (tests).
    func take(_ action: Action, _ subject: Subject, now: ContinuousClock.Instant = .now) throws(SocialError) {
        guard let limit = limits[action] else { return }
        let rate = Double(limit.perMinute) / 60
        let wait: Double? = buckets.withLock { buckets in
            let key = Key(action: action, subject: subject)
            if buckets[key] == nil, buckets.count >= Self.capacity { Self.dropFull(&buckets, limits: limits, now: now) }
            var bucket = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now)
            bucket.tokens = min(Double(limit.burst), bucket.tokens + Self.seconds(bucket.updated, now) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return rate > 0 ? (1 - bucket.tokens) / rate : 60 }
            bucket.tokens -= 1
            return nil
        }
        if let wait {
            throw SocialError(
                .rateLimited(retryAfterSeconds: max(1, Int(wait.rounded(.up)))), "rate_limited",
                "too many requests; try again later")
        }
    }

    /// Drops the buckets that have refilled: forgetting them changes no answer.
    private static func dropFull(_ buckets: inout [Key: Bucket], limits: [Action: RateLimit], now: ContinuousClock.Instant) {
        buckets = buckets.filter { key, bucket in
            guard let limit = limits[key.action] else { return false }
            return bucket.tokens + seconds(bucket.updated, now) * Double(limit.perMinute) / 60 < Double(limit.burst)
        }
    }

    private static func seconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
        let elapsed = from.duration(to: to)
        return max(0, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
