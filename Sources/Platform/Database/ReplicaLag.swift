/// How stale a replica's data is, judged from WAL positions rather than from timestamps.
///
/// The rule. At each check the primary's WAL position `P(t)` is read, with `t` taken *before*
/// the statement runs, so every transaction committed before `t` ends at or below `P(t)`;
/// the samples `(t, P(t))` are kept. The replica reports the position it has *replayed*, `R`
/// (what its queries see). The latest sample with `P(t) ≤ R` proves the replica holds every
/// commit made before that `t`: the data it serves is at most `now − t` old, and it stays
/// within that bound as it only ever replays forward. So the replica may serve reads until
/// `t + maximumLag` (`freshThrough`), whatever happens to later checks; past it, or with no
/// such sample, reads go to the primary.
///
/// Unlike `pg_last_xact_replay_timestamp()`, this does not grow while the primary is idle:
/// an idle primary's position stays put, the replica's replay reaches it, and every new sample
/// is again covered. Its resolution is the check interval (a commit just after a sample is
/// judged by the next one), which only errs towards the primary.
///
/// Not thread-safe: `ReadReplica` keeps it under its lock.
public struct ReplicaLag: Sendable {
    /// A primary position and when it was read (taken before the read).
    struct Sample: Sendable {
        var time: ContinuousClock.Instant
        var position: WALPosition
    }

    /// How long samples are kept: older ones could only prove a staleness over any bound.
    public let history: Duration
    private(set) var samples: [Sample] = []

    public init(history: Duration) {
        self.history = history
    }

    /// Records the primary's position `position`, read after `time`.
    public mutating func recordPrimary(_ position: WALPosition, at time: ContinuousClock.Instant) {
        // A failover's new primary could report a lower position: start over.
        if let last = samples.last, position < last.position { samples.removeAll() }
        samples.append(Sample(time: time, position: position))
        let horizon = time - history
        if let keep = samples.firstIndex(where: { $0.time >= horizon }), keep > 0 {
            // Keep the newest sample before the horizon: it may still be the one `R` covers.
            samples.removeFirst(keep - 1)
        }
    }

    /// The latest time before which every primary commit is on the replica, given its replayed
    /// position; nil when no kept sample is covered (behind by more than `history`).
    public func freshThrough(replayed: WALPosition) -> ContinuousClock.Instant? {
        samples.last(where: { $0.position <= replayed })?.time
    }

    /// Bytes of primary WAL the replica has not replayed, against the newest sample.
    public func bytesBehind(replayed: WALPosition) -> UInt64 {
        samples.last.map { $0.position.bytes(after: replayed) } ?? 0
    }
}
