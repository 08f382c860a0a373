import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

@testable import Platform

/// The session and feed page caches: what they serve again, and which writes void them at once.
/// Lifetimes are an hour so that nothing here depends on how fast the test runs; a write the
/// daemon does not see is made straight in the database (as another daemon would).
@Suite("HTTP session and feed caches")
struct HTTPCacheTests {
    static let hour = Duration.seconds(3600)

    /// The reader's first feed page: post ids and like counts, in order.
    static func firstPage(_ client: any TestClientProtocol, _ user: TestUser) async throws -> [(id: String, likes: Int)] {
        let page = try await client.send(.get, "/api/v1/feed", token: user.token)
        #expect(page.status == .ok)
        return try (page.object()["posts"] as? [[String: Any]] ?? []).map {
            (try #require($0["post_id"] as? String), try #require($0["like_count"] as? Int))
        }
    }

    @Test("a cached page is served again; the reader's follows, likes, comments and fan-out show at once")
    func feedPagesAndTheReadersWrites() async throws {
        // Sessions cached as long as pages: a request whose session is not cached reads its page
        // fresh with the token (HomeFeed), so a session expiring mid-test would hide the cache.
        let fixture = try await HTTPFixture.make {
            $0.social.feedCacheTTL = Self.hour
            $0.social.sessionCacheTTL = Self.hour
        }
        try await fixture.test { client in
            let reader = try await client.user("reader")
            let author = try await client.user("author")
            let other = try await client.user("other")
            let early = try await fixture.readyPost(userID: other.id)
            #expect(try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token).status == .ok)
            let first = try await fixture.readyPost(userID: author.id)
            #expect(try await fixture.api.feed.fanOut(postID: first) == 2)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [String(first)])

            // Changes this daemon did not make are not seen while the page is cached.
            try await fixture.pool.query("UPDATE posts SET like_count = 41 WHERE id = $1", [first])
            #expect(try await Self.firstPage(client, reader).map { $0.likes } == [0])
            #expect(fixture.api.feed.pages.count == 1)

            // The reader's like: the page is read again, with the other daemon's count too.
            // Each like's ±1 is folded into like_count before the test overwrites the column.
            let folder = LikeDeltaFolder(pool: fixture.pool, logger: Logger(label: "test"))
            #expect(try await client.send(.post, "/api/v1/posts/\(first)/likes", token: reader.token).status == .created)
            #expect(try await folder.runOnce().deltas == 1)
            #expect(try await Self.firstPage(client, reader).map { $0.likes } == [42])
            try await fixture.pool.query("UPDATE posts SET like_count = 7 WHERE id = $1", [first])
            #expect(try await client.send(.delete, "/api/v1/posts/\(first)/likes", token: reader.token).status == .noContent)
            #expect(try await folder.runOnce().deltas == 1)
            #expect(try await Self.firstPage(client, reader).map { $0.likes } == [6])

            // A comment by the reader.
            try await fixture.pool.query("UPDATE posts SET like_count = 0 WHERE id = $1", [first])
            #expect(try await Self.firstPage(client, reader).map { $0.likes } == [6])
            let comment = try await client.send(
                .post, "/api/v1/posts/\(first)/comments", token: reader.token, json: #"{"text": "nice"}"#)
            #expect(comment.status == .created)
            #expect(try await Self.firstPage(client, reader).map { $0.likes } == [0])

            // Follow (the followee's posts are copied into the timeline) and unfollow.
            #expect(try await client.send(.post, "/api/v1/users/\(other.id)/follow", token: reader.token).status == .ok)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [first, early].map(String.init))
            #expect(try await client.send(.delete, "/api/v1/users/\(other.id)/follow", token: reader.token).status == .ok)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [String(first)])

            // Fan-out of a new post into the reader's timeline.
            let second = try await fixture.readyPost(userID: author.id)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [String(first)])
            #expect(try await fixture.api.feed.fanOut(postID: second) == 2)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [second, first].map(String.init))

            // A page with a cursor is cached under its own key.
            let cursorPage = try await client.send(.get, "/api/v1/feed?limit=1", token: reader.token).object()
            let cursor = try #require(cursorPage["next_cursor"] as? String)
            let next = try await client.send(.get, "/api/v1/feed?limit=1&cursor=\(cursor)", token: reader.token).object()
            #expect((next["posts"] as? [[String: Any]])?.compactMap { $0["post_id"] as? String } == [String(first)])
            #expect(fixture.api.feed.pages.count == 3)
        }
    }

    @Test("a deletion or a high-follower author's new post drops every reader's pages")
    func deletionsAndPulledPosts() async throws {
        // The fixture's threshold is 2 followers: `star` reaches it.
        // Sessions cached as long as pages: a request whose session is not cached reads its page
        // fresh with the token (HomeFeed), so a session expiring mid-test would hide the cache.
        let fixture = try await HTTPFixture.make {
            $0.social.feedCacheTTL = Self.hour
            $0.social.sessionCacheTTL = Self.hour
        }
        try await fixture.test { client in
            let star = try await client.user("star")
            let reader = try await client.user("reader")
            let fan = try await client.user("fan")
            for user in [reader, fan] {
                #expect(try await client.send(.post, "/api/v1/users/\(star.id)/follow", token: user.token).status == .ok)
            }
            let old = try await fixture.readyPost(userID: star.id)
            #expect(try await fixture.api.feed.fanOut(postID: old) == 0)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [String(old)])
            #expect(try await Self.firstPage(client, fan).map { $0.id } == [String(old)])

            // Pulled at read time: no timeline is written, so every cached page goes.
            let new = try await fixture.readyPost(userID: star.id)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [String(old)])
            #expect(try await fixture.api.feed.fanOut(postID: new) == 0)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [new, old].map(String.init))
            #expect(try await Self.firstPage(client, fan).map { $0.id } == [new, old].map(String.init))

            // The author deletes a post: it leaves the others' cached pages at once.
            #expect(try await client.send(.delete, "/api/v1/posts/\(new)", token: star.token).status == .noContent)
            #expect(try await Self.firstPage(client, reader).map { $0.id } == [String(old)])
            #expect(try await Self.firstPage(client, fan).map { $0.id } == [String(old)])
        }
    }

    @Test("with a feed cache lifetime of zero every read is fresh")
    func feedCacheOff() async throws {
        let fixture = try await HTTPFixture.make { $0.social.feedCacheTTL = .zero }
        try await fixture.test { client in
            let reader = try await client.user("reader")
            let postID = try await fixture.readyPost(userID: reader.id)
            #expect(try await fixture.api.feed.fanOut(postID: postID) == 1)
            for likes in [5, 6, 7] {
                try await fixture.pool.query("UPDATE posts SET like_count = $2 WHERE id = $1", [postID, Int64(likes)])
                #expect(try await Self.firstPage(client, reader).map { $0.likes } == [likes])
            }
            #expect(fixture.api.feed.pages.count == 0)
        }
    }

    @Test("a log-out here refuses the token at once; a revocation elsewhere waits for the session cache")
    func revocation() async throws {
        let fixture = try await HTTPFixture.make { $0.social.sessionCacheTTL = Self.hour }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .ok)
            #expect(try await client.send(.delete, "/api/v1/sessions", token: alice.token).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .unauthorized)

            // Revoked by another daemon: this one still knows the token live until its entry expires.
            let bob = try await client.user("bob")
            #expect(try await client.send(.get, "/api/v1/feed", token: bob.token).status == .ok)
            try await fixture.pool.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1", [bob.id])
            #expect(try await client.send(.get, "/api/v1/feed", token: bob.token).status == .ok)
            // Logging out here still answers 401 (already revoked) and forgets the token.
            #expect(try await client.send(.delete, "/api/v1/sessions", token: bob.token).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/feed", token: bob.token).status == .unauthorized)
        }
    }

    @Test("with a session cache lifetime of zero a revocation anywhere is seen at once")
    func sessionCacheOff() async throws {
        let fixture = try await HTTPFixture.make { $0.social.sessionCacheTTL = .zero }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .ok)
            try await fixture.pool.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1", [alice.id])
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .unauthorized)
            #expect(fixture.api.users.sessions.count == 0)
        }
    }

    @Test("the session and page caches keep at most their capacity; evicted entries are read again")
    func bounded() async throws {
        let fixture = try await HTTPFixture.make {
            $0.social.sessionCacheTTL = Self.hour
            $0.social.sessionCacheCapacity = 4
            $0.social.feedCacheTTL = Self.hour
            $0.social.feedCacheCapacity = 5
        }
        try await fixture.test { client in
            var users: [TestUser] = []
            for index in 0..<10 { users.append(try await client.user("user\(index)")) }
            for round in 0..<2 {
                for user in users {
                    #expect(try await client.send(.get, "/api/v1/feed?limit=\(round + 1)", token: user.token).status == .ok)
                    #expect(fixture.api.users.sessions.count <= 4)
                    #expect(fixture.api.feed.pages.count <= 5)
                }
            }
            #expect(fixture.api.users.sessions.count >= 1)
            #expect(fixture.api.feed.pages.count >= 1)
        }
    }
}

@Suite("Expiring cache")
struct ExpiringCacheTests {
    @Test("entries expire after their lifetime and a group's invalidation voids reads in flight")
    func expiryAndTickets() {
        let cache = ExpiringCache<String, Int, Int>(timeToLive: .seconds(10), capacity: 8)
        let start = ContinuousClock.now
        cache.store(1, for: "a", group: 1, ticket: cache.ticket(), now: start)
        #expect(cache.value(for: "a", now: start + .seconds(9)) == 1)
        #expect(cache.value(for: "a", now: start + .seconds(10)) == nil)

        // A read that began before its group was invalidated is not kept; other groups' are.
        let before = cache.ticket()
        cache.invalidate(2)
        cache.store(2, for: "b", group: 2, ticket: before, now: start)
        cache.store(3, for: "c", group: 3, ticket: before, now: start)
        #expect(cache.value(for: "b", now: start) == nil)
        #expect(cache.value(for: "c", now: start) == 3)
        cache.store(2, for: "b", group: 2, ticket: cache.ticket(), now: start)
        #expect(cache.value(for: "b", now: start) == 2)

        // Invalidating everything voids stored entries and earlier tickets alike.
        let old = cache.ticket()
        cache.invalidateAll()
        #expect(cache.value(for: "b", now: start) == nil)
        #expect(cache.value(for: "c", now: start) == nil)
        cache.store(4, for: "d", group: 4, ticket: old, now: start)
        #expect(cache.value(for: "d", now: start) == nil)
    }

    @Test("a full cache drops expired entries first and never holds more than its capacity")
    func capacity() {
        let cache = ExpiringCache<Int, Int, Int>(timeToLive: .seconds(10), capacity: 20)
        let start = ContinuousClock.now
        for key in 0..<20 { cache.store(key, for: key, group: key, ticket: cache.ticket(), now: start) }
        #expect(cache.count == 20)
        // Twenty seconds on, the old entries have expired: storing one sweeps them all.
        cache.store(100, for: 100, group: 100, ticket: cache.ticket(), now: start + .seconds(20))
        #expect(cache.count == 1)
        for key in 200..<300 {
            cache.store(key, for: key, group: key, ticket: cache.ticket(), now: start + .seconds(20))
            #expect(cache.count <= 20)
        }
        #expect(cache.value(for: 299, now: start + .seconds(20)) == 299)

        // More invalidated groups than the capacity: the record is folded, nothing stale is served.
        for group in 0..<50 { cache.invalidate(group) }
        #expect(cache.value(for: 299, now: start + .seconds(20)) == nil)
    }

    @Test("in the last quarter of its life an entry is still served and one look-up asks for a reload")
    func reloadAhead() {
        let cache = ExpiringCache<String, Int, Int>(timeToLive: .seconds(8), capacity: 8)
        let start = ContinuousClock.now
        cache.store(1, for: "a", group: 1, ticket: cache.ticket(), now: start)
        guard case .live(1) = cache.lookup("a", now: start + .seconds(5)) else {
            Issue.record("a young entry is served without a reload")
            return
        }
        guard case .reload(1, let ticket) = cache.lookup("a", now: start + .seconds(6)) else {
            Issue.record("the first look-up in the last quarter asks for a reload")
            return
        }
        // Only one caller reloads; the others keep getting the value until it expires.
        guard case .live(1) = cache.lookup("a", now: start + .seconds(7)) else {
            Issue.record("a reload already asked for is not asked for again")
            return
        }
        cache.store(2, for: "a", group: 1, ticket: ticket, now: start + .seconds(6))
        #expect(cache.value(for: "a", now: start + .seconds(13)) == 2)
        #expect(cache.value(for: "a", now: start + .seconds(14)) == nil)

        // A reload that began before its group was invalidated does not bring the value back.
        cache.store(3, for: "b", group: 2, ticket: cache.ticket(), now: start)
        guard case .reload(3, let stale) = cache.lookup("b", now: start + .seconds(7)) else {
            Issue.record("the first look-up in the last quarter asks for a reload")
            return
        }
        cache.invalidate(2)
        cache.store(4, for: "b", group: 2, ticket: stale, now: start + .seconds(7))
        #expect(cache.value(for: "b", now: start + .seconds(7)) == nil)
    }

    @Test("no more reloads run at once than allowed; past that entries are served until they expire")
    func reloadCap() {
        let cache = ExpiringCache<String, Int, Int>(timeToLive: .seconds(8), capacity: 8, maximumReloads: 1)
        let start = ContinuousClock.now
        for key in ["a", "b"] { cache.store(1, for: key, group: 1, ticket: cache.ticket(), now: start) }
        guard case .reload = cache.lookup("a", now: start + .seconds(7)) else {
            Issue.record("the first look-up in the last quarter asks for a reload")
            return
        }
        guard case .live(1) = cache.lookup("b", now: start + .seconds(7)) else {
            Issue.record("a second reload while one runs is not asked for")
            return
        }
        #expect(cache.value(for: "b", now: start + .seconds(8)) == nil)
    }

    @Test("every look-up is counted at /metrics as a hit, a reload or a miss")
    func lookupCounters() throws {
        let metrics = PrometheusMetricsFactory.daemon()
        let cache = ExpiringCache<String, Int, Int>(
            timeToLive: .seconds(8), capacity: 8, name: "feed_page", metrics: metrics)
        let start = ContinuousClock.now
        _ = cache.lookup("a", now: start)  // nothing stored: a miss
        cache.store(1, for: "a", group: 1, ticket: cache.ticket(), now: start)
        _ = cache.lookup("a", now: start + .seconds(1))  // live: a hit
        _ = cache.lookup("a", now: start + .seconds(7))  // last quarter: served, reload asked
        _ = cache.lookup("a", now: start + .seconds(7))  // reload already asked: a hit
        cache.invalidate(1)
        _ = cache.lookup("a", now: start + .seconds(7))  // voided by the invalidation: a miss

        let text = try #require(PrometheusText(metrics.registry.emitToString()))
        let family = "mediadaemon_cache_lookups_total"
        #expect(text.types[family] == "counter")
        #expect(text.value(family, ["cache": "feed_page", "result": "miss"]) == 2)
        #expect(text.value(family, ["cache": "feed_page", "result": "hit"]) == 2)
        #expect(text.value(family, ["cache": "feed_page", "result": "reload"]) == 1)

        // With a lifetime of zero every look-up is a miss.
        let off = ExpiringCache<Int, Int, Int>(timeToLive: .zero, capacity: 4, name: "session", metrics: metrics)
        off.store(1, for: 1, group: 1, ticket: off.ticket())
        _ = off.lookup(1)
        let after = try #require(PrometheusText(metrics.registry.emitToString()))
        #expect(after.value(family, ["cache": "session", "result": "miss"]) == 1)
        #expect(after.value(family, ["cache": "session", "result": "hit"]) == 0)
    }

    @Test("a lifetime of zero stores nothing")
    func disabled() {
        let cache = ExpiringCache<Int, Int, Int>(timeToLive: .zero, capacity: 4)
        cache.store(1, for: 1, group: 1, ticket: cache.ticket())
        #expect(cache.value(for: 1) == nil)
        #expect(cache.count == 0)
    }
}
