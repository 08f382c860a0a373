import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP reports and moderation")
struct HTTPReportTests {
    /// Registers `name` and backdates the account by `days`.
    static func account(
        _ client: any TestClientProtocol, _ fixture: HTTPFixture, _ name: String, days: Int
    ) async throws -> TestUser {
        let user = try await client.user(name)
        try await fixture.pool.query(
            "UPDATE users SET created_at = now() - make_interval(days => $2::int) WHERE id = $1", [user.id, Int64(days)])
        return user
    }

    static func report(_ client: any TestClientProtocol, post: Int64, _ user: TestUser, reason: String = "spam") async throws -> TestResponse {
        try await client.send(.post, "/api/v1/posts/\(post)/reports", token: user.token, json: #"{"reason": "\#(reason)"}"#)
    }

    @Test("5 distinct reporters with accounts over 7 days old hide a post from feed, profile, tag page and GET")
    func threshold() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let author = try await client.user("author")
            let reader = try await client.user("reader")
            #expect(try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token).status == .ok)
            let postID = try await fixture.readyPost(userID: author.id, caption: "#holiday photos")
            try await fixture.api.feed.fanOut(postID: postID)
            func visible() async throws -> [Bool] {
                let feed = try await HTTPFeedTests.readFeed(client, reader)
                let profile = try await client.send(.get, "/api/v1/users/\(author.id)/posts").object()
                let tag = try await HTTPSearchTests.tagPage(client, "holiday")
                let get = try await client.send(.get, "/api/v1/posts/\(postID)").status
                let ids = (profile["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
                return [feed.contains(String(postID)), ids.contains(String(postID)), tag.contains(String(postID)), get == .ok]
            }
            #expect(try await visible() == [true, true, true, true])

            // Young accounts (6 days) and repeated reports do not count.
            for index in 0..<6 {
                let young = try await Self.account(client, fixture, "young\(index)", days: 6)
                #expect(try await Self.report(client, post: postID, young).status == .noContent)
            }
            var old: [TestUser] = []
            for index in 0..<4 {
                old.append(try await Self.account(client, fixture, "old\(index)", days: 8))
                #expect(try await Self.report(client, post: postID, old[index], reason: index == 0 ? "hate" : "spam").status == .noContent)
                #expect(try await Self.report(client, post: postID, old[index]).status == .noContent)
            }
            #expect(try await visible() == [true, true, true, true])
            let stored = try await fixture.pool.query("SELECT count(*) AS n FROM reports WHERE target_id = $1", [postID])
            #expect(try stored[0]["n", as: Int64.self] == 10)

            let fifth = try await Self.account(client, fixture, "old4", days: 8)
            #expect(try await Self.report(client, post: postID, fifth).status == .noContent)
            #expect(try await visible() == [false, false, false, false])

            let moderation = ModerationService(pool: fixture.pool)
            let pending = try await moderation.hiddenPosts()
            #expect(pending.map(\.postID) == [postID])
            #expect(pending.first?.reportCount == 11)
            #expect(pending.first?.reasons == "spam 10, hate 1")
            #expect(pending.first?.hiddenBy == "reports")

            // Restored: reviewed, so further reports do not hide it again.
            try await moderation.decide(postID: postID, hide: false)
            fixture.api.feed.invalidateAll()
            #expect(try await visible() == [true, true, true, true])
            #expect(try await moderation.hiddenPosts().isEmpty)
            let sixth = try await Self.account(client, fixture, "old5", days: 8)
            #expect(try await Self.report(client, post: postID, sixth).status == .noContent)
            #expect(try await visible() == [true, true, true, true])

            // An operator can still hide it; it is then reviewed, not pending.
            try await moderation.decide(postID: postID, hide: true)
            fixture.api.feed.invalidateAll()
            #expect(try await visible() == [false, false, false, false])
            #expect(try await moderation.hiddenPosts().isEmpty)
            #expect(try await moderation.hiddenPosts(all: true).first?.hiddenBy == "operator")
        }
    }

    @Test("a hidden post leaves the timelines, so feed pages stay full; a restored one returns in place")
    func timelines() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let author = try await client.user("author")
            let reader = try await client.user("reader")
            #expect(try await client.send(.post, "/api/v1/users/\(author.id)/follow", token: reader.token).status == .ok)
            _ = try await HTTPFeedTests.readFeed(client, reader)  // builds the timeline
            var posts: [Int64] = []
            for _ in 0..<5 {
                let postID = try await fixture.readyPost(userID: author.id)
                try await fixture.api.feed.fanOut(postID: postID)
                posts.append(postID)
            }
            let moderation = ModerationService(pool: fixture.pool)
            // Pages of 3 read 4 timeline rows: a hidden row among them would end the feed early.
            try await moderation.decide(postID: posts[4], hide: true)
            fixture.api.feed.invalidateAll()
            #expect(try await HTTPFeedTests.readFeed(client, reader) == posts.prefix(4).reversed().map(String.init))
            try await moderation.decide(postID: posts[4], hide: false)
            fixture.api.feed.invalidateAll()
            #expect(try await HTTPFeedTests.readFeed(client, reader) == posts.reversed().map(String.init))
            await #expect { try await moderation.decide(postID: 999_999, hide: true) } throws: { error in
                (error as? SocialError)?.kind == .notFound
            }
        }
    }

    @Test("a lower threshold and age from the configuration")
    func configured() async throws {
        let fixture = try await HTTPFixture.make { $0.reports = ReportService.Configuration(threshold: 2, minimumAccountAge: .zero) }
        try await fixture.test { client in
            let author = try await client.user("author")
            let postID = try await fixture.readyPost(userID: author.id)
            #expect(try await Self.report(client, post: postID, try await client.user("first")).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .ok)
            #expect(try await Self.report(client, post: postID, try await client.user("second")).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)
        }
    }

    @Test("a hidden post cannot be liked or commented on, nor its comments read; its likes can be taken back; restored, all work again")
    func hiddenPostsTakeNoEngagement() async throws {
        let fixture = try await HTTPFixture.make { $0.reports = ReportService.Configuration(threshold: 2, minimumAccountAge: .zero) }
        try await fixture.test { client in
            let author = try await client.user("author")
            let fan = try await client.user("fan")
            let late = try await client.user("late")
            let postID = try await fixture.readyPost(userID: author.id)
            let path = "/api/v1/posts/\(postID)"
            #expect(try await client.send(.post, "\(path)/likes", token: fan.token).status == .created)
            #expect(try await client.send(.post, "\(path)/comments", token: fan.token, json: #"{"text": "first"}"#).status == .created)
            for name in ["first", "second"] {
                #expect(try await Self.report(client, post: postID, try await client.user(name)).status == .noContent)
            }
            #expect(try await client.send(.get, path).status == .notFound)

            #expect(try await client.send(.post, "\(path)/likes", token: late.token).status == .notFound)
            #expect(try await client.send(.post, "\(path)/comments", token: late.token, json: #"{"text": "hi"}"#).status == .notFound)
            #expect(try await client.send(.get, "\(path)/comments").status == .notFound)
            // Taking a like back still works, and its count with it.
            #expect(try await client.send(.delete, "\(path)/likes", token: fan.token).status == .noContent)
            let stored = try await fixture.pool.query(
                "SELECT count(*) AS likes, (SELECT count(*) FROM comments WHERE post_id = $1) AS comments FROM likes WHERE post_id = $1",
                [postID])
            #expect(try stored[0]["likes", as: Int64.self] == 0)
            #expect(try stored[0]["comments", as: Int64.self] == 1)

            try await ModerationService(pool: fixture.pool).decide(postID: postID, hide: false)
            let liked = try await client.send(.post, "\(path)/likes", token: late.token)
            #expect(liked.status == .created)
            #expect(try liked.object()["like_count"] as? Int64 == 1)
            #expect(try await client.send(.post, "\(path)/comments", token: late.token, json: #"{"text": "back"}"#).status == .created)
        }
    }

    @Test("refusals: own content 403, unknown target 404, unknown reason 400, no token 401")
    func refusals() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let author = try await client.user("author")
            let other = try await client.user("other")
            let postID = try await fixture.readyPost(userID: author.id)
            let own = try await Self.report(client, post: postID, author)
            #expect(own.status == .forbidden)
            #expect(try own.errorCode() == "own_content")
            let reason = try await Self.report(client, post: postID, other, reason: "boring")
            #expect(reason.status == .badRequest)
            #expect(try reason.errorCode() == "invalid_reason")
            #expect(try await Self.report(client, post: 999_999, other).status == .notFound)
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/reports", json: #"{"reason": "spam"}"#).status == .unauthorized)
            let nothing = try await fixture.pool.query("SELECT count(*) AS n FROM reports")
            #expect(try nothing[0]["n", as: Int64.self] == 0)

            // Users: one report per reporter; listed for the operator by count.
            let path = "/api/v1/users/\(author.id)/reports"
            #expect(try await client.send(.post, path, token: other.token, json: #"{"reason": "harassment"}"#).status == .noContent)
            #expect(try await client.send(.post, path, token: other.token, json: #"{"reason": "spam"}"#).status == .noContent)
            #expect(try await client.send(.post, path, token: author.token, json: #"{"reason": "spam"}"#).status == .forbidden)
            #expect(try await client.send(.post, "/api/v1/users/999999/reports", token: other.token, json: #"{"reason": "spam"}"#).status == .notFound)
            let reported = try await ModerationService(pool: fixture.pool).reportedUsers()
            #expect(reported == [.init(userID: author.id, username: "author", reportCount: 1, reasons: "harassment")])
        }
    }
}

@Suite("Report reasons: the spec and the code")
struct ReportReasonSpecTests {
    @Test("openapi.yaml's reason enum lists ReportReason's codes")
    func reasons() throws {
        let yaml = try HTTPOpenAPITests.specification()
        let line = try #require(yaml.split(separator: "\n").first { $0.contains("enum: [spam") })
        let listed = line.split(separator: "[")[1].split(separator: "]")[0].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(listed == ReportReason.allCases.map(\.rawValue))
        #expect(listed.count == 8)
    }
}
