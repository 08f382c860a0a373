import Synchronization

/// In-memory per-user token buckets for uploads, likes and comments (one process; a
/// multi-process deployment gets one budget per process).
final class RateLimiter: Sendable {
    enum Action: Hashable, Sendable {
        case upload, like, comment
    }

    private struct Key: Hashable {
        var action: Action
        var userID: Int64
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let limits: [Action: RateLimit]
    private let buckets = Mutex<[Key: Bucket]>([:])

    init(configuration: HTTPConfiguration) {
        limits = [.upload: configuration.uploadLimit, .like: configuration.likeLimit, .comment: configuration.commentLimit]
    }

    /// Takes one token or throws 429 `rate_limited` with the seconds until one is available.
    func take(_ action: Action, userID: Int64) throws(SocialError) {
        guard let limit = limits[action] else { return }
        let now = ContinuousClock.now
        let rate = Double(limit.perMinute) / 60
        let wait: Double? = buckets.withLock { buckets in
            let key = Key(action: action, userID: userID)
            var bucket = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(limit.burst), bucket.tokens + seconds * rate)
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
}
