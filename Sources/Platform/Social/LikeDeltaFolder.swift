public import Logging

/// Folds `like_deltas` into `posts.like_count`: each pass deletes the pending deltas and adds
/// their sums to their posts, one UPDATE per post, in one transaction. Nothing is held in
/// memory, so a daemon killed mid-pass loses nothing (the transaction rolls back and the
/// deltas stay), and once a pass has run after the last like, `like_count` equals the number
/// of `likes` rows.
///
/// Any number of daemons may run one: a pass takes an advisory lock without waiting, and a
/// daemon that finds it taken skips the pass (the holder folds the same rows).
///
/// A pass that folded anything then vacuums `like_deltas` (`VacuumLikeDeltas`): every like
/// sums its post's pending deltas, and that sum otherwise reads the index entries of every
/// delta folded since autovacuum last came by (about a minute's worth of a hot post's likes).
public struct LikeDeltaFolder: Sendable {
    /// What one pass folded.
    public struct Outcome: Sendable, Hashable {
        /// Delta rows folded.
        public var deltas = 0
        /// Posts whose count changed.
        public var posts = 0
        /// False when another daemon held the fold lock.
        public var ran = true
    }

    let pool: DatabasePool
    let batch: Int
    let logger: Logger

    /// A folder taking at most `batch` delta rows per statement.
    public init(pool: DatabasePool, batch: Int = NotificationConfiguration().likeFoldBatch, logger: Logger) {
        self.pool = pool
        self.batch = max(1, batch)
        self.logger = logger
    }

    /// One pass: folds batches until the table is empty or another daemon holds the lock.
    @discardableResult
    public func runOnce() async throws -> Outcome {
        var outcome = Outcome()
        let batch = Int32(clamping: self.batch)
        while true {
            let step = try await pool.transaction { connection -> Outcome in
                let lock = try connection.query(SocialQuery.tryLockLikeFold)
                guard try lock[0]["locked", as: Bool.self] else { return Outcome(ran: false) }
                let rows = try connection.query(SocialQuery.foldLikeDeltas, [batch])
                var step = Outcome()
                for row in rows { step.deltas += Int(try row["rows", as: Int64.self]) }
                step.posts = rows.count
                return step
            }
            outcome.deltas += step.deltas
            outcome.posts += step.posts
            outcome.ran = outcome.ran && step.ran
            if !step.ran || step.deltas < self.batch { break }
        }
        if outcome.deltas > 0 { await vacuum() }
        return outcome
    }

    /// Vacuums `like_deltas`; a failure (a role that may not vacuum it) is logged, not thrown:
    /// the fold has committed, and autovacuum still comes by.
    private func vacuum() async {
        do {
            try await pool.execute(try SocialQuery.vacuumLikeDeltas.text)
        } catch {
            logger.warning("like_deltas vacuum failed", metadata: ["error": "\(error)"])
        }
    }
}
