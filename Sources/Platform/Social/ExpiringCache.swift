import CoreMetrics
import Synchronization

/// A bounded in-memory map whose entries live for a fixed time and can be dropped early, one
/// group of keys at a time or all at once. The session and feed caches of one process.
///
/// A reader takes a `ticket()` before it reads the database and hands it to `store`; the value
/// is kept only when no invalidation of its group (or of everything) came in between, so a
/// value read before a concurrent write never outlives that write's invalidation.
///
/// An entry read in the last quarter of its life is loaded again in the background by the
/// first request that sees it there (`value(for:group:load:)`), while it is still served: keys
/// in steady use never expire, so their readers never wait on the load. What is served is
/// still never older than `timeToLive`. Every look-up is counted in `lookups` (hit, reload or
/// miss). Thread-safe.
final class ExpiringCache<Key: Hashable & Sendable, Group: Hashable & Sendable, Value: Sendable>: Sendable {
    /// When a read began, in invalidations: later invalidations of its group void what it read.
    struct Ticket: Sendable {
        fileprivate let epoch: UInt64
    }

    private struct Entry {
        var value: Value
        var group: Group
        var ticket: UInt64
        var expires: ContinuousClock.Instant
        /// From when a look-up asks for a reload; moved to `expires` once one has.
        var reloadFrom: ContinuousClock.Instant
    }

    /// What a look-up found.
    enum Lookup {
        /// A live value.
        case live(Value)
        /// A live value in the last quarter of its life: the caller reloads it (the first such
        /// look-up only) and stores the result with the ticket.
        case reload(Value, Ticket)
        /// Nothing live: the caller loads the value and stores it with the ticket.
        case miss(Ticket)
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Counts invalidations; a ticket is the count when it was taken.
        var epoch: UInt64 = 0
        /// The epoch of each group's latest invalidation, for groups invalidated since `floor`.
        var invalidated: [Group: UInt64] = [:]
        /// Groups not in `invalidated` were last invalidated at this epoch at the latest.
        var floor: UInt64 = 0
        /// Background reloads running.
        var reloading = 0

        func isCurrent(ticket: UInt64, group: Group) -> Bool {
            ticket >= (invalidated[group] ?? floor)
        }
    }

    /// How long an entry is served; zero disables the cache.
    let timeToLive: Duration
    /// Most entries kept.
    let capacity: Int
    /// Most background reloads at once: past it, entries are served until they expire and the
    /// next request loads, so a slow database is not handed more work than readers ask for.
    let maximumReloads: Int
    /// Where look-ups are counted.
    let lookups: CacheLookupCounters
    private let state = Mutex(State())

    /// A cache keeping at most `capacity` entries for `timeToLive` each, its look-ups counted
    /// under the name `name` in `metrics`.
    init(
        timeToLive: Duration, capacity: Int, maximumReloads: Int = 2, name: String = "unnamed",
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.timeToLive = timeToLive
        self.capacity = max(1, capacity)
        self.maximumReloads = maximumReloads
        lookups = CacheLookupCounters(cache: name, factory: metrics)
    }

    var isEnabled: Bool { timeToLive > .zero }

    /// The entries held, expired or not (they go when looked up or when the cache is full).
    var count: Int { state.withLock { $0.entries.count } }

    /// The live value for `key`, if any (no reload is asked for).
    func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        switch lookup(key, now: now, reloading: false) {
        case .live(let value), .reload(let value, _): value
        case .miss: nil
        }
    }

    /// The live value for `key` and whether the caller should reload it, or a miss; with the
    /// ticket for the load either way.
    func lookup(_ key: Key, now: ContinuousClock.Instant = .now, reloading: Bool = true) -> Lookup {
        let found = find(key, now: now, reloading: reloading)
        switch found {
        case .live: lookups.hit.increment()
        case .reload: lookups.reload.increment()
        case .miss: lookups.miss.increment()
        }
        return found
    }

    private func find(_ key: Key, now: ContinuousClock.Instant, reloading: Bool) -> Lookup {
        state.withLock { state in
            let ticket = Ticket(epoch: state.epoch)
            guard isEnabled, let entry = state.entries[key] else { return .miss(ticket) }
            guard entry.expires > now, state.isCurrent(ticket: entry.ticket, group: entry.group) else {
                state.entries[key] = nil
                return .miss(ticket)
            }
            guard reloading, now >= entry.reloadFrom, state.reloading < maximumReloads else { return .live(entry.value) }
            state.entries[key]?.reloadFrom = entry.expires
            state.reloading += 1
            return .reload(entry.value, ticket)
        }
    }

    /// The value for `key`: the cached one while it lives, else what `load` returns (kept when
    /// nothing voided `group` meanwhile). A value in the last quarter of its life is served and
    /// `load` runs in the background to replace it; when that load fails (a revoked session,
    /// a lost connection) the entry is dropped, so the next request loads for itself.
    func value(
        for key: Key, group: Group, load: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        switch cached(for: key, group: group, reload: load) {
        case .hit(let value):
            return value
        case .miss(let ticket):
            let value = try await load()
            store(value, for: key, group: group, ticket: ticket)
            return value
        }
    }

    /// What `cached(for:group:reload:)` found.
    enum Cached {
        /// A live value.
        case hit(Value)
        /// Nothing live: the caller loads the value its own way and stores it with the ticket.
        case miss(Ticket)
    }

    /// The live value for `key`, or a miss with the ticket for the caller's load: the first
    /// half of `value(for:group:load:)`, for a caller that loads more than the value on a miss.
    /// A value in the last quarter of its life is served and `reload` runs in the background.
    func cached(for key: Key, group: Group, reload: @escaping @Sendable () async throws -> Value) -> Cached {
        switch lookup(key) {
        case .live(let value):
            return .hit(value)
        case .reload(let value, let ticket):
            Task {
                defer { state.withLock { $0.reloading -= 1 } }
                do {
                    store(try await reload(), for: key, group: group, ticket: ticket)
                } catch {
                    remove(key)
                }
            }
            return .hit(value)
        case .miss(let ticket):
            return .miss(ticket)
        }
    }

    /// Counts a miss for a look-up the caller skipped because it loads the value anyway (with
    /// another value it needed first), so the hit rate stays per request.
    func countMiss() {
        lookups.miss.increment()
    }

    /// Forgets `key`.
    func remove(_ key: Key) {
        state.withLock { _ = $0.entries.removeValue(forKey: key) }
    }

    /// Marks the start of a read whose result may be stored.
    func ticket() -> Ticket {
        state.withLock { Ticket(epoch: $0.epoch) }
    }

    /// Keeps `value` for `timeToLive` unless `group` was invalidated since `ticket` was taken.
    /// A full cache first drops expired and voided entries, then arbitrary ones down to nine
    /// tenths of its capacity, so the sweep runs at most once per tenth of the capacity stored.
    func store(_ value: Value, for key: Key, group: Group, ticket: Ticket, now: ContinuousClock.Instant = .now) {
        guard isEnabled else { return }
        state.withLock { state in
            guard state.isCurrent(ticket: ticket.epoch, group: group) else { return }
            if state.entries[key] == nil, state.entries.count >= capacity {
                let current = state
                state.entries = current.entries.filter { _, entry in
                    entry.expires > now && current.isCurrent(ticket: entry.ticket, group: entry.group)
                }
                let excess = state.entries.count - (capacity - max(1, capacity / 10))
                if excess > 0 {
                    for key in Array(state.entries.keys.prefix(excess)) { state.entries[key] = nil }
                }
            }
            state.entries[key] = Entry(
                value: value, group: group, ticket: ticket.epoch, expires: now + timeToLive,
                reloadFrom: now + timeToLive * 3 / 4)
        }
    }

    /// Voids every entry of `group` and every read of it in flight.
    func invalidate(_ group: Group) {
        invalidate(CollectionOfOne(group))
    }

    /// Voids every entry of these groups and every read of them in flight.
    func invalidate(_ groups: some Sequence<Group>) {
        state.withLock { state in
            state.epoch += 1
            for group in groups {
                // The record of invalidated groups is bounded too: past the capacity it is folded
                // into `floor`, which voids everything older (extra misses, never a stale hit).
                guard state.invalidated.count < capacity else {
                    state.invalidated.removeAll(keepingCapacity: true)
                    state.floor = state.epoch
                    state.entries.removeAll(keepingCapacity: true)
                    return
                }
                state.invalidated[group] = state.epoch
            }
        }
    }

    /// Voids every entry and every read in flight.
    func invalidateAll() {
        state.withLock { state in
            state.epoch += 1
            state.floor = state.epoch
            state.invalidated.removeAll(keepingCapacity: true)
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
