import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Platform

/// An import's scan of published avatars: a ready avatar whose rotation matches stops being its
/// user's avatar, with a record and a takedown job; a scan without the store leaves the files
/// to that job; the job does not touch a ready avatar's files.
@Suite("Blocklist: takedown of published avatars")
struct BlocklistAvatarScanTests {
    var generator = SeededGenerator(seed: 31)

    @Test mutating func aMatchingAvatarIsTakenDownAndItsJobRemovesItsFiles() async throws {
        let fixture = try await HTTPFixture.make()
        let listed = PDQHash.random(using: &generator)
        // Published rotated: its own PDQ is far from the listed one, one variant 18 bits off.
        var variants = (0..<8).map { _ in PDQHash.random(using: &generator) }
        variants[5] = listed.flipping(18, using: &generator)
        let others = (0..<8).map { _ in PDQHash.random(using: &generator) }
        let rotated = variants
        try await fixture.test { client in
            var avatars: [Int64] = []
            var users: [TestUser] = []
            for (name, hashes) in [("matched", rotated), ("unmatched", others)] {
                let user = try await client.user(name)
                let reply = try await HTTPAvatarTests.upload(client, user, HTTPPostTests.jpeg())
                let avatarID = try #require(Int64(try reply.object()["avatar_id"] as? String ?? ""))
                _ = try await HTTPAvatarTests.complete(fixture, avatarID: avatarID)
                let subject = BlocklistSubject(pdq: hashes[0], pdqQuality: 90, pdqVariants: hashes, frames: [])
                try await fixture.pool.transaction { try Blocklist.recordAvatarHashes(avatarID: avatarID, subject: subject, on: $0) }
                avatars.append(avatarID)
                users.append(user)
            }
            let (matched, owners) = (avatars[0], users)
            let store = fixture.store
            // A ready avatar's files are never removed by the takedown.
            #expect(try await fixture.pool.transaction { try Blocklist.takeDownAvatarFiles(avatarID: matched, store: store, on: $0) } == nil)
            let stored = try await fixture.pool.transaction {
                try Blocklist.importEntries(.photos([(listed, nil)]), source: "avatars", name: nil, on: $0)
            }
            let result = try await BlocklistScan(pool: fixture.pool, store: nil, logger: .init(label: "test")).run(importID: stored.id)
            #expect(result.avatarsScanned == 2 && result.avatarsBlocked == [matched] && result.blocked.isEmpty)
            #expect(try await client.send(.get, "/api/v1/users/\(owners[0].id)").object()["avatar"] == nil)
            #expect(try await client.send(.get, "/api/v1/users/\(owners[1].id)").object()["avatar"] != nil)
            let records = try await fixture.pool.withConnection { try Blocklist.matches(limit: 10, on: $0) }
            #expect(records.map(\.avatarID) == [matched] && records.first?.distance == 18)
            #expect(records.first?.userID == owners[0].id && records.first?.foundBy == "import" && records.first?.mediaID == nil)
            let prefix = ObjectKey.avatarPrefix(avatarID: matched)
            #expect(try store.list(prefix: prefix).count == AvatarService.renditionPaths.count)
            let jobs = try await fixture.pool.query("SELECT 1 FROM jobs WHERE idempotency_key = $1", ["avatar.takedown:\(matched)"])
            #expect(jobs.count == 1)

            // The job's work: the files go; run again, nothing more.
            let removed = try await fixture.pool.transaction { try Blocklist.takeDownAvatarFiles(avatarID: matched, store: store, on: $0) }
            #expect(removed == AvatarService.renditionPaths.count)
            #expect(try store.list(prefix: prefix).isEmpty)
            #expect(try await fixture.pool.transaction { try Blocklist.takeDownAvatarFiles(avatarID: matched, store: store, on: $0) } == 0)
            // A second scan finds nothing more.
            let again = try await BlocklistScan(pool: fixture.pool, store: nil, logger: .init(label: "test")).run(importID: stored.id)
            #expect(again.avatarsScanned == 1 && again.avatarsBlocked.isEmpty)
        }
    }
}
