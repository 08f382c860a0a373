/// In-memory near-duplicate index of 256-bit PDQ hashes: "every stored hash within Hamming
/// distance d of this one".
///
/// Hashes are packed four `UInt64` words each in one contiguous array, ids in a parallel
/// `[Int64]`. The first hashes are covered by multi-index hashing tables
/// (`MultiIndexTable`), rebuilt as the index grows; the rest (the tail, a bounded fraction) are
/// scanned with popcount. Answers are exact: the same set a brute-force scan returns.
///
/// Thread-safety: queries run concurrently under a read lock; appends take the write lock
/// briefly. When the tail outgrows its bound, the appending thread rebuilds the tables while
/// holding only the read lock (queries continue; other appends wait), then swaps them in.
/// An id may hold several hashes (a video's frames). `remove(ids:)` drops every hash of some
/// ids. `DedupIndexes` keeps the daemon's indexes in step with PostgreSQL.
public final class PDQIndex: @unchecked Sendable {
    // @unchecked: every stored property below is read under `lock.withReadLock` and written
    // under `lock.withWriteLock`; `rebuilding` is only touched under the write lock.
    private let lock = ReadWriteLock()
    private var words: [UInt64] = []
    private var ids: [Int64] = []
    private var tables: MultiIndexTable?
    private var rebuilding = false
    /// Hashes dropped by `remove(ids:)`: their slots stay (the tables hold positions) with
    /// this id, and queries skip them.
    private var removedCount = 0
    private static let removedID = Int64.min
    private let firstSealAt: Int

    /// One stored row: an id (media id) and its hash.
    public typealias Entry = (id: Int64, hash: PDQHash)

    /// Creates an empty index. Below `firstSealAt` hashes the index is a plain scan (cheaper
    /// than tables at that size); tests lower it to exercise the tables on small inputs.
    public init(firstSealAt: Int = 32_768) {
        self.firstSealAt = max(1, firstSealAt)
    }

    /// Number of stored hashes (removed ones excluded).
    public var count: Int { lock.withReadLock { ids.count - removedCount } }

    /// Adds hashes in bulk (one write-lock acquisition); may rebuild the tables afterwards.
    /// An entry with id `Int64.min` (the mark of a removed slot) is not stored.
    public func append(contentsOf entries: [Entry]) {
        let shouldRebuild = lock.withWriteLock {
            words.reserveCapacity(words.count + entries.count * 4)
            for entry in entries where entry.id != Self.removedID {
                words.append(contentsOf: [entry.hash.w0, entry.hash.w1, entry.hash.w2, entry.hash.w3])
                ids.append(entry.id)
            }
            let shouldRebuild = !rebuilding && needsRebuild
            if shouldRebuild { rebuilding = true }
            return shouldRebuild
        }
        if shouldRebuild { rebuild() }
    }

    /// Drops every hash stored under one of `ids` (deleted media, or media whose hashes are about
    /// to be replaced); returns how many were dropped. One pass over the ids under the write
    /// lock (~10 ms at 10M hashes): meant for deletions and re-processing, which are rare.
    /// The slots are reused only when the index is rebuilt from the database.
    @discardableResult
    public func remove(ids removing: Set<Int64>) -> Int {
        guard !removing.isEmpty else { return 0 }
        return lock.withWriteLock {
            var dropped = 0
            ids.withUnsafeMutableBufferPointer { ids in
                if removing.count == 1, let only = removing.first {
                    for position in ids.indices where ids[position] == only {
                        ids[position] = Self.removedID
                        dropped += 1
                    }
                } else {
                    for position in ids.indices where ids[position] != Self.removedID && removing.contains(ids[position]) {
                        ids[position] = Self.removedID
                        dropped += 1
                    }
                }
            }
            removedCount += dropped
            return dropped
        }
    }

    /// Every stored hash within `maxDistance` (inclusive) of `hash`, closest first, ties by id.
    public func matches(for hash: PDQHash, within maxDistance: Int = 31) -> [PDQMatch] {
        lock.withReadLock {
            let query = [hash.w0, hash.w1, hash.w2, hash.w3]
            var found: [(position: Int, distance: Int)] = []
            words.withUnsafeBufferPointer { words in
                query.withUnsafeBufferPointer { query in
                    let covered = tables?.count ?? 0
                    if let tables, tables.radius(for: maxDistance) <= MultiIndexTable.maximumRadius {
                        tables.forEachCandidate(of: query, radius: tables.radius(for: maxDistance)) { position in
                            let distance = Self.distance(words, position, query)
                            if distance <= maxDistance { found.append((position, distance)) }
                        }
                        // A hash matching in several tables was reported once per table.
                        found.sort { $0.position < $1.position }
                        var unique: [(position: Int, distance: Int)] = []
                        for entry in found where unique.last?.position != entry.position { unique.append(entry) }
                        found = unique
                        Self.scan(words, query, from: covered, to: ids.count, within: maxDistance, into: &found)
                    } else {
                        Self.scan(words, query, from: 0, to: ids.count, within: maxDistance, into: &found)
                    }
                }
            }
            let stored = self.ids
            return found.filter { stored[$0.position] != Self.removedID }
                .map { PDQMatch(id: stored[$0.position], distance: $0.distance) }
                .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
        }
    }

    /// The closest stored hash to any of `variants` (a query's PDQ and the PDQ of its rotations
    /// and mirrors, as the photo pipeline computes them), other than those stored under
    /// `excluding` (a re-processed media is already in the index and must not match itself);
    /// nil when nothing is within `maxDistance`.
    ///
    /// Ties: the smallest distance wins, then the lowest id (the earliest media); which variant
    /// matched does not matter, so the answer does not depend on the variants' order.
    public func bestMatch(variants: [PDQHash], within maxDistance: Int = 31, excluding: Int64? = nil) -> PDQMatch? {
        var best: PDQMatch?
        for variant in variants {
            // `matches` is sorted by (distance, id): its first eligible entry is this variant's best.
            guard let match = matches(for: variant, within: maxDistance).first(where: { $0.id != excluding }) else {
                continue
            }
            if let current = best, (current.distance, current.id) <= (match.distance, match.id) { continue }
            best = match
        }
        return best
    }

    // MARK: - Internals

    /// Whether the unindexed tail has outgrown its bound (call under a lock).
    private var needsRebuild: Bool {
        let covered = tables?.count ?? 0
        let tail = ids.count - covered
        if covered == 0 { return tail >= firstSealAt }
        // A quarter of the covered size keeps rebuilds geometric while the index is small;
        // the cap bounds the tail scan. Without a POPCNT instruction in the build (Swift's
        // default x86-64 target) the scan costs ~5-10 ns a hash, so 65,536 adds ≤ 0.7 ms to
        // a query. The price: at 10M hashes a rebuild (~10 s of one core) every 65,536 appends.
        return tail >= max(8_192, min(covered / 4, 65_536))
    }

    private func rebuild() {
        while true {
            let built: MultiIndexTable = lock.withReadLock {
                words.withUnsafeBufferPointer { MultiIndexTable(words: $0, count: ids.count) }
            }
            let again = lock.withWriteLock {
                tables = built
                rebuilding = needsRebuild
                return rebuilding
            }
            if !again { return }
        }
    }

    @inline(__always)
    private static func distance(_ words: UnsafeBufferPointer<UInt64>, _ position: Int, _ query: UnsafeBufferPointer<UInt64>) -> Int {
        let base = position * 4
        return (words[base] ^ query[0]).nonzeroBitCount + (words[base + 1] ^ query[1]).nonzeroBitCount
            + (words[base + 2] ^ query[2]).nonzeroBitCount + (words[base + 3] ^ query[3]).nonzeroBitCount
    }

    private static func scan(
        _ words: UnsafeBufferPointer<UInt64>, _ query: UnsafeBufferPointer<UInt64>, from start: Int, to end: Int,
        within maxDistance: Int, into found: inout [(position: Int, distance: Int)]
    ) {
        let (q0, q1, q2, q3) = (query[0], query[1], query[2], query[3])
        var position = start
        while position < end {
            let base = position * 4
            let distance = (words[base] ^ q0).nonzeroBitCount + (words[base + 1] ^ q1).nonzeroBitCount
                + (words[base + 2] ^ q2).nonzeroBitCount + (words[base + 3] ^ q3).nonzeroBitCount
            if distance <= maxDistance { found.append((position, distance)) }
            position += 1
        }
    }
}
