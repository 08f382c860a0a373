import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Platform

/// Hash-list match records are moderation records: the account deletion job removes the user's
/// posts and the user's row, and the records naming them stay until their retention ends.
@Suite("Blocklist: records outlive account deletion")
struct BlocklistRetentionTests {
    @Test func matchRecordsSurviveTheAccountDeletionJob() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let doomed = try await client.user("doomed_user")
            let postID = try await fixture.readyPost(userID: doomed.id)
            let mediaID = try await fixture.pool.query("SELECT media_id FROM posts WHERE id = $1", [postID])[0]["media_id", as: Int64.self]
            let listed = try #require(PDQHash(hex: String(repeating: "5a", count: 32)))
            let stored = try await fixture.pool.transaction {
                try Blocklist.importEntries(.photos([(listed, 100)]), source: "shared", name: nil, on: $0)
            }
            let entry = try #require(stored.firstEntry)
            let blocked = try await fixture.pool.transaction {
                try Blocklist.block(mediaID: mediaID, hit: BlocklistHit(entryID: entry, distance: 12), foundBy: .import, on: $0)
            }
            #expect(blocked)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)

            #expect(try await client.send(.delete, "/api/v1/users/me", token: doomed.token, json: #"{"password": "password123"}"#).status == .accepted)
            #expect(try await fixture.api.accountDeletion.run(userID: doomed.id))
            #expect(try await fixture.pool.query("SELECT 1 FROM users WHERE id = $1", [doomed.id]).isEmpty)
            #expect(try await fixture.pool.query("SELECT 1 FROM posts WHERE id = $1", [postID]).isEmpty)

            let records = try await fixture.pool.withConnection { try Blocklist.matches(limit: 10, on: $0) }
            #expect(records.count == 1)
            let record = try #require(records.first)
            #expect([record.mediaID, record.entryID, record.postID, record.userID] == [mediaID, entry, postID, doomed.id])
            #expect(record.distance == 12 && record.source == "shared" && record.foundBy == "import")

            // Kept for the retention (here 30 days) after the account went, then swept.
            var social = SocialConfiguration()
            social.moderationRetention = .seconds(30 * 86_400)
            let sweeper = try SessionSweeper(pool: fixture.pool, social: social, logger: Logger(label: "test"))
            #expect(try await sweeper.runOnce(now: Date().addingTimeInterval(29 * 86_400)).moderationRecords == 0)
            #expect(try await sweeper.runOnce(now: Date().addingTimeInterval(31 * 86_400)).moderationRecords == 1)
            #expect(try await fixture.pool.withConnection { try Blocklist.matches(limit: 10, on: $0) }.isEmpty)
        }
    }
}
