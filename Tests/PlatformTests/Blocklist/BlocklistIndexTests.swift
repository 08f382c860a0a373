import Foundation
import Testing

@testable import Platform

/// The hash list through PostgreSQL: imports and removals reach every daemon's index by the
/// change watermark, photos match by any dihedral variant within 31, videos by the vPDQ rule,
/// and a blocked media's records outlive its post and account.
@Suite("Blocklist: index and blocking")
struct BlocklistIndexTests {
    var generator = SeededGenerator(seed: 25)

    func subject(_ variants: [PDQHash], quality: Int = 90) -> BlocklistSubject {
        BlocklistSubject(pdq: variants.first, pdqQuality: quality, pdqVariants: variants, frames: [])
    }

    func video(_ frames: [PDQHash]) -> BlocklistSubject {
        BlocklistSubject(pdq: frames.first, pdqQuality: 90, pdqVariants: [], frames: frames.map { VideoFrameHash(hash: $0, quality: 90) })
    }

    func importList(_ file: BlocklistFile, _ pool: DatabasePool) async throws -> Blocklist.Import {
        try await pool.transaction { try Blocklist.importEntries(file, source: "test", name: "list.txt", on: $0) }
    }

    @Test mutating func anImportReachesTwoDaemonsAndMatchesAnyVariantWithin31() async throws {
        let fixture = try await QueueFixture.make()
        let listed = (0..<50).map { _ in PDQHash.random(using: &generator) }
        // Small seal threshold: the multi-index tables are used, not only the scan.
        let (first, second) = (BlocklistIndex(firstSealAt: 8), BlocklistIndex(firstSealAt: 8))
        let stored = try await importList(.photos(listed.map { ($0, 90) }), fixture.pool)
        #expect(stored.entries == 50)
        let firstEntry = try #require(stored.firstEntry)
        try await fixture.pool.withConnection { connection in
            try first.catchUp(on: connection)
            try second.catchUp(on: connection)
        }
        #expect(first.count == 50 && second.count == 50)

        // The copy's hash is one of its 8 variants, 31 bits from entry 7; the others are random.
        var variants = (0..<8).map { _ in PDQHash.random(using: &generator) }
        variants[5] = listed[7].flipping(31, using: &generator)
        for index in [first, second] {
            #expect(index.match(subject(variants)) == BlocklistHit(entryID: firstEntry + 7, distance: 31))
        }
        variants[5] = listed[7].flipping(32, using: &generator)
        #expect(first.match(subject(variants)) == nil)
        // Too plain a hash (quality below 50) is not matched, however close.
        #expect(first.match(subject([listed[3]], quality: 49)) == nil)

        // A removal reaches both as well.
        let removed = try await fixture.pool.transaction { try Blocklist.remove(entryID: firstEntry + 3, on: $0) }
        #expect(removed)
        try await fixture.pool.withConnection { connection in
            try first.catchUp(on: connection)
            try second.catchUp(on: connection)
        }
        #expect(first.match(subject([listed[3]])) == nil && second.match(subject([listed[3]])) == nil)
        #expect(second.match(subject([listed[4]])) == BlocklistHit(entryID: firstEntry + 4, distance: 0))
        await fixture.pool.close()
    }

    @Test mutating func aVideoMatchesWhenMostOfTheListedFramesAreInIt() async throws {
        let fixture = try await QueueFixture.make()
        let clip = (0..<10).map { _ in PDQHash.random(using: &generator) }
        let file = BlocklistFile.video(clip.enumerated().map { (frame: $0.offset * 30, hash: $0.element, quality: 100) })
        let entry = try #require(try await importList(file, fixture.pool).firstEntry)
        let index = BlocklistIndex()
        try await fixture.pool.withConnection { try index.catchUp(on: $0) }

        // Re-encoded: every frame 10 bits off, inside a longer upload (the listed clip is 10 of 25).
        let reencoded = clip.map { $0.flipping(10, using: &generator) }
        let longer = (0..<15).map { _ in PDQHash.random(using: &generator) } + reencoded
        #expect(index.match(video(longer)) == BlocklistHit(entryID: entry, distance: 10))
        // 7 of the 10 listed frames (70 % < 80 %) is not a match; 8 is.
        #expect(index.match(video(Array(reencoded.prefix(7)))) == nil)
        #expect(index.match(video(Array(reencoded.prefix(8))))?.entryID == entry)
        #expect(index.match(video((0..<10).map { _ in PDQHash.random(using: &generator) })) == nil)
        await fixture.pool.close()
    }

    @Test mutating func blockingHidesThePostsAndTheRecordsOutliveThem() async throws {
        let fixture = try await QueueFixture.make()
        let pool = fixture.pool
        let listed = PDQHash.random(using: &generator)
        let entry = try #require(try await importList(.photos([(listed, nil)]), pool).firstEntry)
        let sha = String(repeating: "ab", count: 32)
        let (mediaID, postID, userID) = try await pool.transaction { connection -> (Int64, Int64, Int64) in
            let user = try connection.query(
                "INSERT INTO users (username, password_hash) VALUES ('uploader', 'x') RETURNING id")[0]["id", as: Int64.self]
            let media = try connection.query(
                try MediaQuery.insertMedia.sql(), [sha, "photo", "originals/\(sha)", nil as String?, 1])[0]["id", as: Int64.self]
            let post = try connection.query(
                "INSERT INTO posts (user_id, media_id, caption) VALUES ($1, $2, '') RETURNING id", [user, media])[0]["id", as: Int64.self]
            return (media, post, user)
        }
        let blocked = try await pool.transaction { connection in
            try Blocklist.block(mediaID: mediaID, hit: BlocklistHit(entryID: entry, distance: 4), foundBy: .processing, on: connection)
        }
        #expect(blocked)
        let again = try await pool.transaction { connection in
            try Blocklist.block(mediaID: mediaID, hit: BlocklistHit(entryID: entry, distance: 4), foundBy: .processing, on: connection)
        }
        #expect(!again, "blocking twice records once")
        let row = try #require(try await pool.query("SELECT status, manifest IS NULL AS bare FROM media WHERE id = $1", [mediaID]).first)
        #expect(try row["status", as: String.self] == "blocked" && row["bare", as: Bool.self])
        let post = try #require(try await pool.query("SELECT hidden, hidden_by FROM posts WHERE id = $1", [postID]).first)
        #expect(try post["hidden", as: Bool.self] && post["hidden_by", as: String?.self] == "hashlist")
        let jobs = try await pool.query("SELECT kind FROM jobs WHERE idempotency_key = $1", ["media.takedown:\(mediaID)"])
        #expect(jobs.count == 1)

        // The account and its posts go (as account deletion's last steps do); the record stays.
        try await pool.execute("DELETE FROM posts; DELETE FROM users;")
        let records = try await pool.withConnection { try Blocklist.matches(limit: 10, on: $0) }
        #expect(records.count == 1)
        #expect(records.first.map { [$0.mediaID, $0.entryID, $0.postID, $0.userID] } == [mediaID, entry, postID, userID])
        #expect(records.first?.distance == 4 && records.first?.source == "test" && records.first?.foundBy == "processing")
        await pool.close()
    }
}
