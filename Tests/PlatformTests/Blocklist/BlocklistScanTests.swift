import Foundation
import Testing

@testable import Platform

/// An import's scan of published media: a ready photo whose rotation matches is blocked with its
/// takedown job; a scan stopped before removing files leaves the job, which removes them; scans
/// and takedowns run again do nothing more.
@Suite("Blocklist: takedown of published media")
struct BlocklistScanTests {
    var generator = SeededGenerator(seed: 26)

    /// A ready photo with `pdq` and `variants` as processing records them.
    func readyPhoto(pdq: PDQHash, variants: [PDQHash], _ pool: DatabasePool) async throws -> Int64 {
        let sha = SHA256.hex(Data(UUID().uuidString.utf8))
        let id = try #require(
            try await pool.query(try MediaQuery.insertMedia.sql(), [sha, "photo", "originals/\(sha)", nil as String?, 1]).first)["id", as: Int64.self]
        let outcome = MediaCompletion.Outcome(
            mediaID: id, manifestJSON: "{}", inputJSON: "{}", presetName: "photo", presetVersion: 1, pdq: pdq,
            pdqQuality: 90, pdqVariants: variants, phash: nil, frames: [])
        try await pool.transaction { connection in
            #expect(try MediaCompletion().markReady(outcome, on: connection))
            try Blocklist.recordVariants(mediaID: id, variants: variants, on: connection)
        }
        return id
    }

    @Test mutating func aScanStoppedBeforeRemovingFilesLeavesATakedownJobThatRemovesThem() async throws {
        let fixture = try await QueueFixture.make()
        let pool = fixture.pool
        let root = NSTemporaryDirectory() + "blocklist-scan-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try ObjectStore(root: root)
        let listed = PDQHash.random(using: &generator)
        // Published rotated: its own PDQ is far from the listed one, one of its variants 20 bits off.
        var variants = (0..<8).map { _ in PDQHash.random(using: &generator) }
        variants[3] = listed.flipping(20, using: &generator)
        let matched = try await readyPhoto(pdq: variants[0], variants: variants, pool)
        let other = try await readyPhoto(pdq: PDQHash.random(using: &generator), variants: [], pool)
        for name in ["150.jpg", "640.webp"] {
            _ = try store.put(try ObjectKey("media/\(matched)/photo-v1/\(name)"), data: Data("x".utf8))
            _ = try store.put(try ObjectKey("media/\(other)/photo-v1/\(name)"), data: Data("y".utf8))
        }
        let stored = try await pool.transaction {
            try Blocklist.importEntries(.photos([(listed, nil)]), source: "test", name: nil, on: $0)
        }

        // Without a store: as a CLI stopped right after blocking.
        let scan = BlocklistScan(pool: pool, store: nil, logger: fixture.logger)
        let first = try await scan.run(importID: stored.id)
        #expect(first.scanned == 2 && first.blocked == [matched] && first.removed == 0)
        #expect(try store.list(prefix: "media/\(matched)/").count == 2)
        let status = try await pool.query("SELECT id, status FROM media ORDER BY id").map { try $0["status", as: String.self] }
        #expect(status == ["blocked", "ready"])
        let records = try await pool.withConnection { try Blocklist.matches(limit: 5, on: $0) }
        #expect(records.map(\.mediaID) == [matched] && records.first?.distance == 20 && records.first?.foundBy == "import")
        let jobs = try await pool.query("SELECT payload::text AS p FROM jobs WHERE kind = 'media.takedown'")
        #expect(jobs.count == 1)

        // Run again: nothing new. The job's work removes the files once.
        let again = try await scan.run(importID: stored.id)
        #expect(again.scanned == 1 && again.blocked.isEmpty)
        let removed = try await pool.transaction { try Blocklist.takeDown(mediaID: matched, store: store, on: $0) }
        #expect(removed == 2)
        #expect(try store.list(prefix: "media/\(matched)/").isEmpty)
        #expect(try await pool.transaction { try Blocklist.takeDown(mediaID: matched, store: store, on: $0) } == 0)
        // A media that is not blocked keeps its files.
        #expect(try await pool.transaction { try Blocklist.takeDown(mediaID: other, store: store, on: $0) } == nil)
        #expect(try store.list(prefix: "media/\(other)/").count == 2)
        await pool.close()
    }
}
