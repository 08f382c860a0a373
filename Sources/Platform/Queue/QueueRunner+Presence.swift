import Logging

/// The runner's row in `queue_daemons`: the operator page's "workers online" lists daemons that
/// are idle as well as busy ones.
extension QueueRunner {
    /// How often a runner records that it is alive; the page counts a daemon online for four
    /// times this.
    static let presenceInterval: Duration = .seconds(15)

    /// Records this runner now and then every `presenceInterval` until cancelled.
    func presenceLoop(_ pool: DatabasePool) async {
        while true {
            await recordPresence(pool)
            do { try await Task.sleep(for: Self.presenceInterval) } catch { return }
        }
    }

    /// Deletes this runner's row (at stop). A failure only leaves it to age out.
    func forgetPresence(_ pool: DatabasePool) async {
        do {
            try await pool.query(try QueueQuery.forgetPresence.sql(), [configuration.owner])
        } catch {
            logger.warning("could not remove this daemon's presence", metadata: ["error": "\(error)"])
        }
    }

    private func recordPresence(_ pool: DatabasePool) async {
        let lanes = configuration.lanes.map { "\($0.name)×\($0.threads)" }.joined(separator: ",")
        do {
            try await pool.query(
                try QueueQuery.recordPresence.sql(), [configuration.owner, lanes, configuration.presenceDetail?()])
        } catch {
            // Only the operator page reads it: the queue runs on without.
            logger.warning("could not record this daemon's presence", metadata: ["error": "\(error)"])
        }
    }
}
