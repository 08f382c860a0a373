import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP tags and search")
struct HTTPSearchTests {
    /// Every post id of a tag page, page by page.
    static func tagPage(_ client: any TestClientProtocol, _ tag: String, limit: Int = 2) async throws -> [String] {
        var ids: [String] = []
        var cursor = ""
        for _ in 0..<50 {
            let page = try await client.send(.get, "/api/v1/tags/\(tag)/posts?limit=\(limit)&cursor=\(cursor)")
            #expect(page.status == .ok)
            let object = try page.object()
            ids += (object["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
            guard let next = object["next_cursor"] as? String else { break }
            cursor = next
        }
        return ids
    }

    @Test("a tag page lists the tag's ready, live posts newest first, whatever the case it is asked in")
    func tagPage() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            var tagged: [Int64] = []
            for index in 0..<5 {
                let author = index.isMultiple(of: 2) ? alice : bob
                tagged.append(try await fixture.readyPost(userID: author.id, caption: "day \(index) #Sunset #été"))
            }
            _ = try await fixture.readyPost(userID: alice.id, caption: "no tag, #sunsets is another")
            _ = try await fixture.readyPost(userID: alice.id, caption: "#sunset pending", ready: false)
            let deleted = try await fixture.readyPost(userID: alice.id, caption: "#sunset gone")
            #expect(try await client.send(.delete, "/api/v1/posts/\(deleted)", token: alice.token).status == .noContent)

            let newestFirst = tagged.reversed().map(String.init)
            #expect(try await Self.tagPage(client, "sunset") == newestFirst)
            #expect(try await Self.tagPage(client, "SUNSET", limit: 3) == newestFirst)
            // Percent-encoded UTF-8, and the decomposed spelling of é.
            #expect(try await Self.tagPage(client, "%C3%89T%C3%89") == newestFirst)
            #expect(try await Self.tagPage(client, "e%CC%81te%CC%81") == newestFirst)
            // Bob blocks Alice: neither sees the other's posts on the tag page; others see all.
            #expect(try await client.send(.put, "/api/v1/users/\(alice.id)/block", token: bob.token).status == .ok)
            let carol = try await client.user("carol")
            for (viewer, expected) in [
                (bob, tagged.enumerated().filter { !$0.offset.isMultiple(of: 2) }.map(\.element)),
                (alice, tagged.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element)), (carol, tagged),
            ] {
                let page = try await client.send(.get, "/api/v1/tags/sunset/posts?limit=50", token: viewer.token).object()
                let ids = (page["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
                #expect(ids == expected.reversed().map(String.init), "as \(viewer.id)")
            }
            let first = try await client.send(.get, "/api/v1/tags/Sunset/posts?limit=1").object()
            #expect(first["tag"] as? String == "sunset")
            #expect((first["posts"] as? [[String: Any]])?.first?["caption"] as? String == "day 4 #Sunset #été")

            #expect(try await Self.tagPage(client, "nobody_uses_this").isEmpty)
            // Text no caption can carry as a tag names no posts.
            let invalid = try await client.send(.get, "/api/v1/tags/not%20a%20tag/posts")
            #expect(invalid.status == .ok)
            #expect((try invalid.object()["posts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("tag search: prefix match, most used first, deleted posts counted out, `_` no wildcard")
    func tagSearch() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            for caption in ["#cat #catnap", "#cats #cat", "#cat", "#catnap #dog", "#CATNAP", "#c_t #cxt"] {
                _ = try await fixture.readyPost(userID: alice.id, caption: caption)
            }
            let lastCats = try await fixture.readyPost(userID: alice.id, caption: "#cats")
            func search(_ q: String, limit: Int = 20) async throws -> [String] {
                let response = try await client.send(.get, "/api/v1/search/tags?q=\(q)&limit=\(limit)")
                #expect(response.status == .ok)
                return try (response.object()["tags"] as? [[String: Any]] ?? []).map {
                    "\($0["name"] as? String ?? "?") \($0["post_count"] as? Int ?? -1)"
                }
            }
            #expect(try await search("cat") == ["cat 3", "catnap 3", "cats 2"])
            #expect(try await search("%23CATN") == ["catnap 3"])
            #expect(try await search("cat", limit: 1) == ["cat 3"])
            #expect(try await search("c_") == ["c_t 1"])
            #expect(try await search("dog%20food").isEmpty)
            #expect(try await client.send(.delete, "/api/v1/posts/\(lastCats)", token: alice.token).status == .noContent)
            #expect(try await search("cats") == ["cats 1"])

            #expect(try await client.send(.get, "/api/v1/search/tags").status == .badRequest)
            #expect(try await client.send(.get, "/api/v1/search/tags?q=").status == .badRequest)
            let limit = try await client.send(.get, "/api/v1/search/tags?q=cat&limit=51")
            #expect(limit.status == .badRequest)
            #expect(try limit.errorCode() == "invalid_limit")
        }
    }

    @Test("user search: prefix on username or display name first, then fuzzy (trigram) matches, then followers")
    func userSearch() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let names = ["photographer", "photo_fan", "phot0", "zebra_stripes", "marie_k", "annabelle"]
            var users: [String: TestUser] = [:]
            for name in names { users[name] = try await client.user(name) }
            try await fixture.pool.query(
                "UPDATE users SET display_name = 'Photon Lab' WHERE username = 'zebra_stripes'")
            try await fixture.pool.query("UPDATE users SET display_name = 'Marie Curie' WHERE username = 'marie_k'")
            // photo_fan has more followers than photographer.
            for follower in ["marie_k", "annabelle"] {
                let token = try #require(users[follower]?.token)
                let id = try #require(users["photo_fan"]?.id)
                #expect(try await client.send(.post, "/api/v1/users/\(id)/follow", token: token).status == .ok)
            }
            func search(_ q: String) async throws -> [String] {
                let response = try await client.send(.get, "/api/v1/search/users?q=\(q)")
                #expect(response.status == .ok)
                return try (response.object()["users"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
            }
            // Prefix matches (username, or display name case-insensitively) by followers, then
            // by age; 'phot0' is no prefix of "photo" and not similar enough to come after.
            let photo = try await search("photo")
            // An exact username comes first.
            #expect(try await search("photographer").first == "photographer")
            #expect(Array(photo.prefix(3)) == ["photo_fan", "photographer", "zebra_stripes"])
            #expect(!photo.contains("annabelle"))
            // A misspelling finds the name by trigrams.
            #expect(try await search("fotographer").first == "photographer")
            // A word of the display name.
            #expect(try await search("curie") == ["marie_k"])
            // `_` is not a wildcard in a prefix.
            #expect(try await search("photo_").first == "photo_fan")
            #expect(try await search("PHOTO_F").first == "photo_fan")
            let first = try await client.send(.get, "/api/v1/search/users?q=marie").object()
            let match = try #require((first["users"] as? [[String: Any]])?.first)
            #expect(match["display_name"] as? String == "Marie Curie")
            #expect(match["user_id"] as? String == String(try #require(users["marie_k"]?.id)))
            #expect(match["follower_count"] as? Int == 0)
            let long = try await client.send(.get, "/api/v1/search/users?q=" + String(repeating: "a", count: 101))
            #expect(long.status == .badRequest)
            #expect(try long.errorCode() == "invalid_query")
        }
    }
}
