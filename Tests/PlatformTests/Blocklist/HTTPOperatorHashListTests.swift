import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

/// The moderation page's hash-list section: a blocked media's match with its entry, distance
/// and source, in `/admin/api/moderation` and on `/admin/moderation`; its hidden post is not
/// in the reports' pending-review list.
@Suite("HTTP operator page: hash-list matches")
struct HTTPOperatorHashListTests {
    @Test func aBlockedMediaIsListedWithItsEntryAndDistanceAndIsNotPendingReview() async throws {
        let token = HTTPOperatorTests.token
        let fixture = try await HTTPFixture.make { $0.operatorToken = token }
        try await fixture.test { client in
            let author = try await client.user("author")
            let postID = try await fixture.readyPost(userID: author.id)
            let mediaID = try await fixture.pool.query("SELECT media_id FROM posts WHERE id = $1", [postID])[0]["media_id", as: Int64.self]
            let listed = try #require(PDQHash(hex: String(repeating: "c3", count: 32)))
            let entry = try #require(
                try await fixture.pool.transaction {
                    try Blocklist.importEntries(.photos([(listed, nil)]), source: "partner-list", name: nil, on: $0)
                }.firstEntry)
            _ = try await fixture.pool.transaction {
                try Blocklist.block(mediaID: mediaID, hit: BlocklistHit(entryID: entry, distance: 17), foundBy: .processing, on: $0)
            }

            let lists = try await client.send(.get, "/admin/api/moderation", token: token).object()
            let matches = try #require(lists["hash_list_matches"] as? [[String: Any]])
            #expect(matches.count == 1)
            let match = try #require(matches.first)
            #expect(match["media_id"] as? Int64 == mediaID && match["post_id"] as? Int64 == postID)
            #expect(match["user_id"] as? Int64 == author.id && match["entry_id"] as? Int64 == entry)
            #expect(match["distance"] as? Int64 == 17 && match["source"] as? String == "partner-list")
            #expect((lists["pending"] as? [Any])?.isEmpty == true)

            let page = try await client.send(.get, "/admin/moderation", token: token)
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"hash-list-matches\""))
            #expect(page.text.contains("entry \(entry) (photo)"))
            #expect(page.text.contains("partner-list"))
        }
    }
}
