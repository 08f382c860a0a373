import Foundation

/// Delay before a transiently failed job runs again: exponential with jitter, capped.
///
/// Attempt n waits `initial × multiplier^(n-1)`, capped at `maximum`, then scaled by a random
/// factor in `1 ± jitter` so jobs that failed together do not return together.
public struct JobBackoff: Sendable, Hashable {
    public var initial: Duration
    public var multiplier: Double
    public var maximum: Duration
    /// 0 ≤ jitter < 1: the fraction by which a delay may randomly shrink or grow.
    public var jitter: Double

    public init(
        initial: Duration = .seconds(2), multiplier: Double = 2, maximum: Duration = .seconds(3600),
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay after attempt `attempt` (1-based) failed, with `random` supplying the jitter.
    public func delay(afterAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = seconds(initial) * Foundation.pow(multiplier, Double(max(attempt, 1) - 1))
        let capped = min(base, seconds(maximum))
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter), using: &random) : 1
        return .milliseconds(Int64((capped * factor * 1000).rounded()))
    }

    /// The delay after attempt `attempt` failed, with the system's random numbers.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &random)
    }

    /// Throws `.invalidConfiguration` for a negative delay, a multiplier below 1 or a jitter
    /// outside 0..<1.
    public func validate() throws {
        guard initial >= .zero, maximum >= initial, multiplier >= 1, (0..<1).contains(jitter) else {
            throw QueueError(
                .invalidConfiguration,
                "backoff needs 0 ≤ initial ≤ maximum, multiplier ≥ 1 and 0 ≤ jitter < 1 (got \(self))")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
