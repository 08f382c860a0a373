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

    @Test func aBlockedAvatarIsListedAsAnAvatarAndItsRecordIsStampedWhenTheAccountGoes() async throws {
        let token = HTTPOperatorTests.token
        let fixture = try await HTTPFixture.make { $0.operatorToken = token }
        try await fixture.test { client in
            let owner = try await client.user("owner")
            let uploaded = try await HTTPAvatarTests.upload(client, owner, HTTPPostTests.jpeg())
            let avatarID = try #require(Int64(try uploaded.object()["avatar_id"] as? String ?? ""))
            let listed = try #require(PDQHash(hex: String(repeating: "3c", count: 32)))
            let entry = try #require(
                try await fixture.pool.transaction {
                    try Blocklist.importEntries(.photos([(listed, nil)]), source: "avatar-list", name: nil, on: $0)
                }.firstEntry)
            let store = fixture.store
            let hit = BlocklistHit(entryID: entry, distance: 9)
            #expect(try await fixture.pool.transaction { try Blocklist.blockAvatar(avatarID: avatarID, hit: hit, store: store, on: $0) })
            // Once failed it is not refused twice.
            #expect(try await !fixture.pool.transaction { try Blocklist.blockAvatar(avatarID: avatarID, hit: hit, store: store, on: $0) })
            let row = try #require(try await fixture.pool.query("SELECT status, error_code FROM avatars WHERE id = $1", [avatarID]).first)
            #expect(try row["status", as: String.self] == "failed" && row["error_code", as: String?.self] == "blocked")
            #expect(try !fixture.store.exists(try ObjectKey.avatarUpload(avatarID: avatarID)))
            #expect(try await client.send(.get, "/api/v1/users/\(owner.id)").object()["avatar"] == nil)

            let lists = try await client.send(.get, "/admin/api/moderation", token: token).object()
            let matches = try #require(lists["hash_list_matches"] as? [[String: Any]])
            #expect(matches.count == 1)
            let match = try #require(matches.first)
            #expect(match["avatar_id"] as? Int64 == avatarID && match["media_id"] == nil && match["post_id"] == nil)
            #expect(match["user_id"] as? Int64 == owner.id && match["entry_id"] as? Int64 == entry)
            #expect(match["distance"] as? Int64 == 9 && match["found_by"] as? String == "processing")
            let page = try await client.send(.get, "/admin/moderation", token: token)
            #expect(page.text.contains("<td>avatar \(avatarID)</td>"))
            #expect(!page.text.contains("/admin/media/"))

            // The record is the user's: the account deletion stamps it gone (retention, 0030).
            #expect(try await client.send(.delete, "/api/v1/users/me", token: owner.token, json: #"{"password": "password123"}"#).status == .accepted)
            #expect(try await fixture.api.accountDeletion.run(userID: owner.id))
            let stamped = try await fixture.pool.query(
                "SELECT account_gone_at IS NOT NULL AS gone FROM blocklist_matches WHERE avatar_id = $1", [avatarID])
            #expect(try stamped.map { try $0["gone", as: Bool.self] } == [true])
        }
    }
}
