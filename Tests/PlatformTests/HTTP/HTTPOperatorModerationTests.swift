import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

/// `/admin/moderation` and `/admin/api/moderation…`: who may look and decide, what the lists
/// show for a post five reporters hid, and that hide and restore change what the public API
/// answers for the post.
@Suite("HTTP operator page: moderation")
struct HTTPOperatorModerationTests {
    static let token = HTTPOperatorTests.token

    /// A post by `author` that five week-old accounts reported (four for spam, one for hate),
    /// so it is hidden pending review; and `author` reported once as a user.
    private static func seed(_ client: any TestClientProtocol, _ fixture: HTTPFixture) async throws -> (post: Int64, author: TestUser) {
        let author = try await client.user("author")
        let postID = try await fixture.readyPost(userID: author.id)
        for index in 0..<5 {
            let reporter = try await HTTPReportTests.account(client, fixture, "reporter\(index)", days: 8)
            let reported = try await HTTPReportTests.report(client, post: postID, reporter, reason: index == 0 ? "hate" : "spam")
            #expect(reported.status == .noContent)
            if index == 0 {
                let user = try await client.send(
                    .post, "/api/v1/users/\(author.id)/reports", token: reporter.token, json: #"{"reason": "harassment"}"#)
                #expect(user.status == .noContent)
            }
        }
        return (postID, author)
    }

    @Test("only operators see the lists or decide: 401 without credentials, 403 for an ordinary token")
    func refusals() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        try await fixture.test { client in
            let (postID, author) = try await Self.seed(client, fixture)
            #expect(try await client.send(.get, "/admin/api/moderation").status == .unauthorized)
            #expect(try await client.send(.post, "/admin/api/moderation/posts/\(postID)/restore").status == .unauthorized)
            let forbidden = try await client.send(.get, "/admin/api/moderation", token: author.token)
            #expect(forbidden.status == .forbidden)
            #expect(try forbidden.errorCode() == "not_operator")
            #expect(try await client.send(.post, "/admin/api/moderation/posts/\(postID)/restore", token: author.token).status == .forbidden)
            #expect(try await client.send(.get, "/admin/moderation", token: author.token).status == .forbidden)
            let page = try await client.send(.get, "/admin/moderation")
            #expect(page.status == .seeOther)
            // Still hidden: no refused request decided anything.
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)
        }
    }

    @Test("a post hidden by reports is pending with its counts, reasons, author and picture; restore and hide change GET /api/v1/posts/{id}")
    func hideAndRestore() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        try await fixture.test { client in
            let (postID, author) = try await Self.seed(client, fixture)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)

            let lists = try await client.send(.get, "/admin/api/moderation", token: Self.token).object()
            let pending = try #require(lists["pending"] as? [[String: Any]])
            #expect(pending.compactMap { $0["post_id"] as? Int64 } == [postID])
            let entry = try #require(pending.first)
            #expect(entry["state"] as? String == "pending")
            #expect(entry["report_count"] as? Int64 == 5)
            #expect(entry["reasons"] as? String == "spam 4, hate 1")
            #expect(entry["author"] as? String == "author")
            #expect((entry["thumbnail_url"] as? String)?.contains("150") == true, "\(entry)")
            let reported = try #require(lists["reported_posts"] as? [[String: Any]])
            #expect(reported.compactMap { $0["post_id"] as? Int64 } == [postID])
            let users = try #require(lists["reported_users"] as? [[String: Any]])
            #expect(users.compactMap { $0["user_id"] as? Int64 } == [author.id])
            #expect(users.first?["reasons"] as? String == "harassment")

            let page = try await client.send(.get, "/admin/moderation", token: Self.token)
            #expect(page.status == .ok)
            #expect(page.text.contains("data-post=\"\(postID)\""))
            #expect(page.text.contains("/admin/api/moderation/posts/\(postID)/restore"))
            #expect(page.text.contains("spam 4, hate 1"))

            let restored = try await client.send(.post, "/admin/api/moderation/posts/\(postID)/restore", token: Self.token)
            #expect(restored.status == .ok)
            #expect(try restored.object()["hidden"] as? Bool == false)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .ok)
            let after = try await client.send(.get, "/admin/api/moderation", token: Self.token).object()
            #expect((after["pending"] as? [Any])?.isEmpty == true)
            let visible = try #require((after["reported_posts"] as? [[String: Any]])?.first)
            #expect(visible["state"] as? String == "visible")
            #expect(try await client.send(.get, "/admin/moderation", token: Self.token).text
                .contains("/admin/api/moderation/posts/\(postID)/hide"))

            let hidden = try await client.send(.post, "/admin/api/moderation/posts/\(postID)/hide", token: Self.token)
            #expect(hidden.status == .ok)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)
            let decided = try await client.send(.get, "/admin/api/moderation", token: Self.token).object()
            #expect((decided["reported_posts"] as? [[String: Any]])?.first?["state"] as? String == "hidden")

            #expect(try await client.send(.post, "/admin/api/moderation/posts/999999/hide", token: Self.token).status == .notFound)
        }
    }

    @Test("a restore with the page's cookie but without its CSRF token is refused and changes nothing")
    func csrf() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        try await fixture.test { client in
            let (postID, _) = try await Self.seed(client, fixture)
            let login = try await client.executeRequest(
                uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(Self.token)"))
            let cookie = String(try #require(login.headers[.setCookie]?.split(separator: ";").first))
            let page = try await client.send(.get, "/admin/moderation", headers: [.cookie: cookie])
            let csrf = try #require(page.text.firstMatch(of: /name="csrf-token" content="([0-9a-f]{64})"/)?.1)

            let forged = try await client.send(.post, "/admin/api/moderation/posts/\(postID)/restore", headers: [.cookie: cookie])
            #expect(forged.status == .forbidden)
            #expect(try forged.errorCode() == "csrf_failed")
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .notFound)

            var headers: HTTPFields = [.cookie: cookie]
            headers[try #require(HTTPField.Name("X-CSRF-Token"))] = String(csrf)
            #expect(try await client.send(.post, "/admin/api/moderation/posts/\(postID)/restore", headers: headers).status == .ok)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").status == .ok)
        }
    }
}
