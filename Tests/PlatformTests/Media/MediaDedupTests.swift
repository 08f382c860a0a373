import Foundation
import Testing

@testable import Platform

/// Near-duplicate recording in the completion transaction, on a real PostgreSQL: videos by
/// their frame hashes (vPDQ), and deleted media leaving every daemon's indexes.
@Suite("Media: dedup through PostgreSQL")
struct MediaDedupTests {
    var generator = SeededGenerator(seed: 7)

    mutating func frames(_ count: Int) -> [PDQHash] { (0..<count).map { _ in .random(using: &generator) } }

    /// A media row of `kind` with random bytes' SHA-256.
    func insertMedia(_ kind: String, _ pool: DatabasePool) async throws -> Int64 {
        let sha = SHA256.hex(Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        let rows = try await pool.query(try MediaQuery.insertMedia.sql(), [sha, kind, "originals/\(sha)", nil as String?, 1])
        return try #require(rows.first)["id", as: Int64.self]
    }

    func outcome(_ id: Int64, pdq: PDQHash, frames: [PDQHash] = []) -> MediaCompletion.Outcome {
        MediaCompletion.Outcome(
            mediaID: id, manifestJSON: "{}", inputJSON: "{}", presetName: "test", presetVersion: 1, pdq: pdq,
            pdqQuality: 90, pdqVariants: [], phash: nil,
            frames: frames.enumerated().map { (tMs: $0.offset * 1000, hash: $0.element, quality: 90) })
    }

    func ready(_ completion: MediaCompletion, _ outcome: MediaCompletion.Outcome, _ pool: DatabasePool) async throws -> MediaRecord {
        _ = try await pool.transaction { connection in try completion.markReady(outcome, on: connection) }
        return try #require(try await pool.query(try MediaQuery.getMedia.sql(), [outcome.mediaID]).first.map(MediaRecord.init(row:)))
    }

    @Test mutating func videoReencodeIsFoundByFramesAndUnrelatedVideoIsNot() async throws {
        let fixture = try await QueueFixture.make()
        let pool = fixture.pool
        let completion = MediaCompletion()
        let original = frames(20)
        // Every frame 12 bits off, and a poster far from the original's: only frames can match.
        let reencoded = original.map { $0.flipping(12, using: &generator) }
        let unrelated = frames(20)

        let originalID = try await insertMedia("video", pool)
        _ = try await ready(completion, outcome(originalID, pdq: .random(using: &generator), frames: original), pool)
        let copyID = try await insertMedia("video", pool)
        let copy = try await ready(completion, outcome(copyID, pdq: .random(using: &generator), frames: reencoded), pool)
        #expect(copy.duplicateOf == originalID)
        #expect(copy.duplicateDistance == 12)
        let otherID = try await insertMedia("video", pool)
        let other = try await ready(completion, outcome(otherID, pdq: .random(using: &generator), frames: unrelated), pool)
        #expect(other.duplicateOf == nil)

        // Half the frames cut: the shorter copy covers under 80 % of the original.
        let cutID = try await insertMedia("video", pool)
        let cut = try await ready(
            completion, outcome(cutID, pdq: .random(using: &generator), frames: Array(reencoded.prefix(10))), pool)
        #expect(cut.duplicateOf == nil)
        await fixture.close()
    }

    @Test mutating func deletedMediaLeavesTheIndexesOfEveryDaemon() async throws {
        let fixture = try await QueueFixture.make()
        let pool = fixture.pool
        let first = MediaCompletion()
        let second = MediaCompletion()
        let photo = PDQHash.random(using: &generator)
        let video = frames(10)

        let photoID = try await insertMedia("photo", pool)
        _ = try await ready(first, outcome(photoID, pdq: photo), pool)
        let videoID = try await insertMedia("video", pool)
        _ = try await ready(first, outcome(videoID, pdq: .random(using: &generator), frames: video), pool)
        try await pool.withConnection { try second.catchUp(on: $0) }
        #expect(second.indexes.photos.matches(for: photo).map(\.id).contains(photoID))
        #expect(second.indexes.frames.matches(for: video[0]).map(\.id) == [videoID])

        // Deleting the last post of each marks it deleted, which clears both.
        for id in [photoID, videoID] {
            #expect(try await pool.transaction { connection in try MediaCompletion.markDeleted(mediaID: id, on: connection) })
            #expect(try await pool.transaction { connection in try MediaCompletion.markDeleted(mediaID: id, on: connection) } == false)
            let row = try await pool.query(try MediaQuery.getMedia.sql(), [id]).first.map(MediaRecord.init(row:))
            #expect(row?.status == "deleted" && row?.pdq == nil)
        }
        let frameRows = try await pool.query("SELECT count(*) AS n FROM media_frame_hashes WHERE media_id = $1", [videoID])
        #expect(try frameRows.first?["n", as: Int.self] == 0)

        // The first daemon learns at its next completion: near-copies are not linked to them.
        let photoCopyID = try await insertMedia("photo", pool)
        let photoCopy = try await ready(first, outcome(photoCopyID, pdq: photo.flipping(8, using: &generator)), pool)
        #expect(photoCopy.duplicateOf == nil)
        let videoCopyID = try await insertMedia("video", pool)
        let videoCopy = try await ready(
            first, outcome(videoCopyID, pdq: .random(using: &generator), frames: video.map { $0.flipping(8, using: &generator) }),
            pool)
        #expect(videoCopy.duplicateOf == nil)

        // The other daemon catches up: the deleted media are gone, the new ones are there.
        try await pool.withConnection { try second.catchUp(on: $0) }
        let photoMatches = second.indexes.photos.matches(for: photo).map(\.id)
        #expect(!photoMatches.contains(photoID) && photoMatches.contains(photoCopyID))
        #expect(second.indexes.frames.matches(for: video[0]).map(\.id) == [videoCopyID])

        // A reprocessed media replaces its hashes rather than adding a second set.
        let before = second.indexes.frames.count
        _ = try await ready(first, outcome(videoCopyID, pdq: .random(using: &generator), frames: Array(video.prefix(4))), pool)
        try await pool.withConnection { try second.catchUp(on: $0) }
        #expect(second.indexes.frames.count == before - 6)
        await fixture.close()
    }

    /// The index still offers a media whose deletion commits while a completion looks for a
    /// near-duplicate: the completion waits on the row, sees it deleted and records no link.
    @Test mutating func aMatchDeletedDuringTheCompletionIsNotLinked() async throws {
        let fixture = try await QueueFixture.make(poolSize: 3)
        let pool = fixture.pool
        let completion = MediaCompletion()
        let photo = PDQHash.random(using: &generator)
        let photoID = try await insertMedia("photo", pool)
        _ = try await ready(completion, outcome(photoID, pdq: photo), pool)

        let deleter = try DatabaseConnection(url: fixture.url, logger: fixture.logger)
        try deleter.execute("BEGIN")
        #expect(try MediaCompletion.markDeleted(mediaID: photoID, on: deleter))
        let copyID = try await insertMedia("photo", pool)
        let copyOutcome = outcome(copyID, pdq: photo.flipping(8, using: &generator))
        let suite = self
        let copy = Task { try await suite.ready(completion, copyOutcome, pool) }
        // Until the completion waits for the deleter's row lock.
        var waiting = false
        for _ in 0..<600 where !waiting {
            let rows = try await pool.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            waiting = try rows.first?["n", as: Int.self] ?? 0 > 0
            if !waiting { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(waiting)
        try deleter.execute("COMMIT")
        let record = try await copy.value
        #expect(record.status == "ready")
        #expect(record.duplicateOf == nil, "\(record)")
        #expect(!completion.indexes.photos.matches(for: photo).map(\.id).contains(photoID))
        await fixture.close()
    }
}

@Suite("Dedup index removal")
struct DedupRemovalTests {
    @Test func removedIDsMatchNothingAndOthersMatchAsBefore() {
        var generator = SeededGenerator(seed: 11)
        // Enough hashes for the multi-index tables, with a small first seal to exercise them.
        let entries: [PDQIndex.Entry] = (0..<5_000).map { (id: Int64($0 / 2), hash: .random(using: &generator)) }
        let index = PDQIndex(firstSealAt: 1_000)
        index.append(contentsOf: entries)
        let removed: Set<Int64> = [3, 100, 2_499]
        #expect(index.remove(ids: removed) == 6)
        #expect(index.count == entries.count - 6)
        let kept = entries.filter { !removed.contains($0.id) }
        for entry in entries.prefix(300) {
            let query = entry.hash.flipping(20, using: &generator)
            #expect(index.matches(for: query) == bruteForce(kept, query, within: 31))
        }
    }
}
