import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP feed")
struct HTTPFeedTests {
    /// Every post id of the reader's feed, page by page.
    static func readFeed(_ client: any TestClientProtocol, _ user: TestUser, limit: Int = 3) async throws -> [String] {
        var ids: [String] = []
        var cursor = ""
        for _ in 0..<50 {
            let page = try await client.send(.get, "/api/v1/feed?limit=\(limit)&cursor=\(cursor)", token: user.token)
            #expect(page.status == .ok)
            let object = try page.object()
            ids += (object["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
            guard let next = object["next_cursor"] as? String else { break }
            cursor = next
        }
        return ids
    }

    @Test("fan-out fills followers' timelines newest first; pages have no duplicates or gaps")
    func fanOut() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let reader = try await client.user("reader")
            let author = try await client.user("author")
            #expect(try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token).status == .ok)
            // The first read builds the (empty) timeline; later posts arrive through fan-out only.
            #expect(try await Self.readFeed(client, reader).isEmpty)
            var posts: [Int64] = []
            for index in 0..<7 {
                let postID = try await fixture.readyPost(userID: author.id, caption: "p\(index)")
                #expect(try await fixture.api.feed.fanOut(postID: postID) == 2)
                posts.append(postID)
            }
            // Not ready: fan-out does nothing.
            let pending = try await fixture.readyPost(userID: author.id, ready: false)
            #expect(try await fixture.api.feed.fanOut(postID: pending) == 0)
            let feed = try await Self.readFeed(client, reader)
            #expect(feed == posts.reversed().map(String.init))
            let first = try await client.send(.get, "/api/v1/feed?limit=1", token: reader.token).object()
            let post = try #require((first["posts"] as? [[String: Any]])?.first)
            #expect(post["username"] as? String == "author")
            #expect(post["status"] as? String == "ready")
            let renditions = try #require((post["media"] as? [String: Any])?["renditions"] as? [[String: Any]])
            // Every rendition of the photo job's manifest, under its preset's folder.
            let golden = try HTTPFixture.goldenManifest()
            #expect(renditions.count == golden.renditions.count)
            let postMedia = try await fixture.pool.query("SELECT media_id FROM posts WHERE id = $1", [posts.last ?? 0])
            let mediaID = try postMedia[0]["media_id", as: Int64.self]
            #expect(renditions.first?["url"] as? String == "/media/media/\(mediaID)/photo-v1/150.jpg")
        }
    }

    @Test("pagination stays stable while new posts are fanned out between pages")
    func stableCursor() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let reader = try await client.user("reader")
            let author = try await client.user("author")
            _ = try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token)
            var posts: [Int64] = []
            for _ in 0..<6 {
                let postID = try await fixture.readyPost(userID: author.id)
                try await fixture.api.feed.fanOut(postID: postID)
                posts.append(postID)
            }
            var ids: [String] = []
            var cursor = ""
            for _ in 0..<10 {
                let page = try await client.send(.get, "/api/v1/feed?limit=2&cursor=\(cursor)", token: reader.token).object()
                ids += (page["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
                // A newer post lands between page reads; it belongs before the first page.
                try await fixture.api.feed.fanOut(postID: try await fixture.readyPost(userID: author.id))
                guard let next = page["next_cursor"] as? String else { break }
                cursor = next
            }
            #expect(ids == posts.reversed().map(String.init))
        }
    }

    @Test("authors at the follower threshold are merged at read time, not fanned out")
    func celebrityMerge() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let star = try await client.user("star")
            let friend = try await client.user("friend")
            let reader = try await client.user("reader")
            let other = try await client.user("other")
            for fan in [reader, other] {
                #expect(try await client.send(.post, "/api/v1/users/\(star.id)/follow", token: fan.token).status == .ok)
            }
            _ = try await client.send(.post, "/api/v1/users/\(friend.id)/follow", token: reader.token)
            #expect(try await Self.readFeed(client, reader).isEmpty)

            let starPost1 = try await fixture.readyPost(userID: star.id)
            #expect(try await fixture.api.feed.fanOut(postID: starPost1) == 0)
            let friendPost = try await fixture.readyPost(userID: friend.id)
            #expect(try await fixture.api.feed.fanOut(postID: friendPost) == 2)
            let starPost2 = try await fixture.readyPost(userID: star.id)
            let rows = try await fixture.pool.query("SELECT count(*) AS n FROM timelines WHERE author_id = $1", [star.id])
            #expect(try rows[0]["n", as: Int64.self] == 0)

            let feed = try await Self.readFeed(client, reader, limit: 2)
            #expect(feed == [starPost2, friendPost, starPost1].map(String.init))
            // Unfollowing the star removes the pulled posts at once.
            _ = try await client.send(.delete, "/api/v1/users/\(star.id)/follow", token: reader.token)
            #expect(try await Self.readFeed(client, reader) == [String(friendPost)])
        }
    }

    @Test("unfollowing stops future posts; a missing timeline is rebuilt on read")
    func unfollowAndRebuild() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let reader = try await client.user("reader")
            let author = try await client.user("author")
            _ = try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token)
            let early = try await fixture.readyPost(userID: author.id)
            // No fan-out ran and no timeline exists yet: the first read rebuilds it.
            #expect(try await Self.readFeed(client, reader) == [String(early)])
            #expect(try await client.send(.delete, "/api/v1/users/\(author.id)/follow", token: reader.token).status == .ok)
            let later = try await fixture.readyPost(userID: author.id)
            try await fixture.api.feed.fanOut(postID: later)
            #expect(try await Self.readFeed(client, reader).isEmpty)
            // The author's own feed has their posts.
            let own = try await Self.readFeed(client, author)
            #expect(own == [later, early].map(String.init))
            // Deleted posts leave feeds.
            #expect(try await client.send(.delete, "/api/v1/posts/\(later)", token: author.token).status == .noContent)
            #expect(try await Self.readFeed(client, author) == [String(early)])
        }
    }

    @Test("timelines are trimmed to the configured length")
    func trimming() async throws {
        let fixture = try await HTTPFixture.make { $0.social.timelineLength = 3 }
        try await fixture.test { client in
            let reader = try await client.user("reader")
            let author = try await client.user("author")
            _ = try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token)
            _ = try await Self.readFeed(client, reader)
            for _ in 0..<5 {
                try await fixture.api.feed.fanOut(postID: try await fixture.readyPost(userID: author.id))
            }
            let rows = try await fixture.pool.query("SELECT count(*) AS n FROM timelines WHERE user_id = $1", [reader.id])
            #expect(try rows[0]["n", as: Int64.self] == 3)
            #expect(try await Self.readFeed(client, reader).count == 3)
        }
    }
}
