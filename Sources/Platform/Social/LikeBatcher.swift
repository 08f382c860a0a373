import CoreMetrics
import Synchronization

/// Group commit for likes and unlikes (the folded path): requests that arrive while a group is
/// being written wait and go together, as one `LikeBatch` statement that commits once.
///
/// Every like must commit (and wait for its WAL flush) before it is acknowledged. One statement
/// and one commit per like made PostgreSQL wake, plan-execute and flush once per like, and on a
/// hot post every like summed the post's pending deltas again. A group pays those once, and a
/// like is still acknowledged only after the commit that holds it.
///
/// No waiting is added: when no group is being written a request goes at once (a group of one
/// when the service is quiet); the requests that arrive meanwhile wait for that commit and then
/// go together, as PostgreSQL's own group commit does. Groups never share a (user, post) pair, and
/// a pair already in a group being written waits for the next one, so a like and an unlike of
/// one pair never race each other inside this daemon. A group whose statement fails is retried
/// one request at a time, so one request's failure (its user deleted meanwhile, a deadlock with
/// another daemon's group) is reported to that request alone.
///
/// At `/metrics`: `mediadaemon_like_groups_total` (statements written),
/// `mediadaemon_like_group_requests_total` (requests in them: divided by the groups, the mean
/// group size) and `mediadaemon_like_group_retries_total` (groups written again one by one).
final class LikeBatcher: Sendable {
    /// One like (+1) or unlike (-1).
    struct Request: Hashable, Sendable {
        var userID: Int64
        var postID: Int64
        var isLike: Bool
    }

    /// What `LikeBatch` reported for one request.
    struct Outcome: Sendable, Equatable {
        /// The post exists and is neither deleted nor hidden.
        var live: Bool
        /// The post's author and the user block each other (likes only; nothing written).
        var blocked: Bool
        /// The like inserted, or the unlike deleted, a `likes` row.
        var changed: Bool
        /// The post's count after the group: folded count, pending deltas and the group's.
        var likeCount: Int64
    }

    private struct Waiting {
        var request: Request
        var continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var inFlight = 0
        /// The (user, post) pairs of the groups being written.
        var busyPairs = Set<Pair>()
        var counts = Counts()
    }

    /// Groups written since start, and how many of them failed and were written again one
    /// request at a time.
    struct Counts: Sendable, Equatable {
        var groups = 0
        var retried = 0
    }

    private struct Pair: Hashable {
        var userID: Int64
        var postID: Int64
    }

    /// Groups written at once. One: in `scripts/bench likes` (64 clients, 2 cores) the hot
    /// post's p99 was 21.0–28.5 ms with one (median 24.2 ms over ten runs) against 22.5–26.2 ms
    /// with two (median 24.9 ms over nine) and 28.4–33.5 ms with three, and its throughput
    /// 5,498–6,653 likes/s against 5,219–6,038: on two cores a second group's statement
    /// competes for them with the first's.
    static let maxInFlight = 1
    /// Requests in one group at most.
    static let maxGroup = 128

    private let pool: DatabasePool
    private let state = Mutex(State())
    private let groupsWritten: Counter
    private let requestsWritten: Counter
    private let retries: Counter

    init(pool: DatabasePool, metrics: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.pool = pool
        groupsWritten = Counter(label: "mediadaemon_like_groups_total", factory: metrics)
        requestsWritten = Counter(label: "mediadaemon_like_group_requests_total", factory: metrics)
        retries = Counter(label: "mediadaemon_like_group_retries_total", factory: metrics)
    }

    /// Requests waiting for a group slot.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    var counts: Counts { state.withLock { $0.counts } }

    /// Writes `request` in the next group and returns its outcome once that group commits.
    func submit(_ request: Request) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let groups = state.withLock { state -> [[Waiting]] in
                state.waiting.append(Waiting(request: request, continuation: continuation))
                return Self.takeGroups(&state)
            }
            for group in groups { start(group) }
        }
    }

    /// Takes groups from the waiting requests while fewer than `maxInFlight` are being written.
    /// A request whose pair is in a group (being written, or this one) stays for a later group.
    private static func takeGroups(_ state: inout State) -> [[Waiting]] {
        var groups: [[Waiting]] = []
        while state.inFlight < maxInFlight, !state.waiting.isEmpty {
            var group: [Waiting] = []
            var left: [Waiting] = []
            for waiting in state.waiting {
                let pair = Pair(userID: waiting.request.userID, postID: waiting.request.postID)
                if group.count < maxGroup, !state.busyPairs.contains(pair) {
                    state.busyPairs.insert(pair)
                    group.append(waiting)
                } else {
                    left.append(waiting)
                }
            }
            state.waiting = left
            guard !group.isEmpty else { break }
            state.inFlight += 1
            state.counts.groups += 1
            groups.append(group)
        }
        return groups
    }

    private func start(_ group: [Waiting]) {
        groupsWritten.increment()
        requestsWritten.increment(by: group.count)
        Task {
            await write(group)
            let next = state.withLock { state -> [[Waiting]] in
                state.inFlight -= 1
                for waiting in group {
                    state.busyPairs.remove(Pair(userID: waiting.request.userID, postID: waiting.request.postID))
                }
                return Self.takeGroups(&state)
            }
            for group in next { start(group) }
        }
    }

    /// Writes a group and resumes its requests; a failed group of several is written again one
    /// request at a time.
    private func write(_ group: [Waiting]) async {
        do {
            let outcomes = try await run(group.map(\.request))
            for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
        } catch {
            guard group.count > 1, !Self.endsEveryRequest(error) else {
                for waiting in group { waiting.continuation.resume(throwing: error) }
                return
            }
            state.withLock { $0.counts.retried += 1 }
            retries.increment()
            for waiting in group {
                do {
                    let outcome = try await run([waiting.request])
                    waiting.continuation.resume(returning: outcome[0])
                } catch {
                    waiting.continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Errors that would fail each request alone too: the pool closed or unreachable.
    private static func endsEveryRequest(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.poolClosed, .connectionFailed, .cancelled].contains(error.code)
    }

    /// One `LikeBatch` statement: one outcome per request, in order.
    private func run(_ requests: [Request]) async throws -> [Outcome] {
        let rows = try await pool.queryPrepared(
            SocialQuery.likeBatch,
            [
                PostgresArray(requests.map(\.userID)),
                PostgresArray(requests.map(\.postID)),
                PostgresArray(requests.map { Int32($0.isLike ? 1 : -1) }),
            ])
        guard rows.count == requests.count else {
            throw DatabaseError(.decodingFailed, "LikeBatch answered \(rows.count) rows for \(requests.count) requests")
        }
        return try rows.map { row in
            Outcome(
                live: try row["live", as: Bool.self], blocked: try row["blocked", as: Bool.self],
                changed: try row["changed", as: Bool.self], likeCount: try row["like_count", as: Int64.self])
        }
    }
}
