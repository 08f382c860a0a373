import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Platform

/// `/admin`: who gets in (the operator token, the operator role, never an ordinary token), the
/// cookie session and its CSRF token, and the JSON actions over a seeded queue.
@Suite("HTTP operator page")
struct HTTPOperatorTests {
    static let token = "operator-token-for-tests-0123456789"

    @Test("no credentials is 401 (a page redirects to the log-in form); an ordinary user's token is 403")
    func refusals() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        try await fixture.test { client in
            let anonymous = try await client.send(.get, "/admin/api/overview")
            #expect(anonymous.status == .unauthorized)
            let page = try await client.send(.get, "/admin")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/admin/login")
            let alice = try await client.user("alice")
            let refused = try await client.send(.get, "/admin/api/overview", token: alice.token)
            #expect(refused.status == .forbidden)
            #expect(try refused.errorCode() == "not_operator")
            #expect(try await client.send(.get, "/admin/jobs", token: alice.token).status == .forbidden)
            #expect(try await client.send(.get, "/admin/api/overview", token: "wrong-\(Self.token)").status == .unauthorized)

            try await fixture.api.users.setOperator(username: "alice", true)
            #expect(try await client.send(.get, "/admin/api/overview", token: alice.token).status == .ok)
            try await fixture.api.users.setOperator(username: "alice", false)
            #expect(try await client.send(.get, "/admin/api/overview", token: alice.token).status == .forbidden)
        }
    }

    @Test("the log-in form sets an HttpOnly SameSite=Strict cookie; a write with it needs the page's CSRF token")
    func cookieSession() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        try await fixture.test { client in
            let login = try await client.executeRequest(
                uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(Self.token)"))
            #expect(login.status == .seeOther)
            let setCookie = try #require(login.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.lowercased().contains("samesite=strict"))
            #expect(!setCookie.contains(Self.token))
            let cookie = String(try #require(setCookie.split(separator: ";").first))
            let page = try await client.send(.get, "/admin", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            let csrf = try #require(page.text.firstMatch(of: /name="csrf-token" content="([0-9a-f]{64})"/)?.1)

            let forged = try await client.send(.post, "/admin/api/dead-jobs/retry", headers: [.cookie: cookie])
            #expect(forged.status == .forbidden)
            #expect(try forged.errorCode() == "csrf_failed")
            var headers: HTTPFields = [.cookie: cookie]
            headers[try #require(HTTPField.Name("X-CSRF-Token"))] = String(csrf)
            #expect(try await client.send(.post, "/admin/api/dead-jobs/retry", headers: headers).status == .ok)

            let wrong = try await client.executeRequest(
                uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=nope"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
        }
    }

    @Test("a dead job is listed by its error code, retried, and a cancel of a finished job is 409; pages escape data")
    func jobActions() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        let queue = JobQueue(pool: fixture.pool, logger: .init(label: "test"))
        let job = try await queue.enqueue(NewJob(kind: "<b>odd</b>", lane: "default"))
        try await fixture.pool.query(
            """
            UPDATE jobs SET state = 'dead', attempts = 1, started_at = now(), finished_at = now(), last_error = 'x',
                errors = jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now(), 'code', 'bad_input', 'message', 'x'))
            WHERE id = $1
            """, [job.id])
        try await fixture.test { client in
            let listed = try await client.send(.get, "/admin/api/jobs?state=dead&code=bad_input", token: Self.token)
            #expect(listed.status == .ok)
            let jobs = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.readableBytesView)) as? [[String: Any]])
            #expect(jobs.compactMap { $0["id"] as? Int64 } == [job.id])
            #expect(try await client.send(.get, "/admin/api/jobs?code=other", token: Self.token).text == "[]")

            let page = try await client.send(.get, "/admin/jobs?state=dead", token: Self.token)
            #expect(page.text.contains("&lt;b&gt;odd&lt;/b&gt;"))
            #expect(!page.text.contains("<b>odd</b>"))

            let retried = try await client.send(.post, "/admin/api/jobs/\(job.id)/retry", token: Self.token)
            #expect(retried.status == .ok)
            #expect(try retried.object()["state"] as? String == "available")
            _ = try await client.send(.post, "/admin/api/jobs/\(job.id)/cancel", token: Self.token)
            let again = try await client.send(.post, "/admin/api/jobs/\(job.id)/cancel", token: Self.token)
            #expect(again.status == .conflict)
            #expect(try await client.send(.get, "/admin/api/jobs/999999", token: Self.token).status == .notFound)
        }
    }

    @Test("a video's page plays its 360 rung under its poster; a near-duplicate shows beside its original")
    func mediaPages() async throws {
        let fixture = try await HTTPFixture.make { $0.operatorToken = Self.token }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let golden = try String(contentsOf: root.appendingPathComponent("fixtures/expected/no-audio.mp4.json"), encoding: .utf8)
        let insert = """
            INSERT INTO media (sha256, kind, status, original_key, bytes, manifest, duplicate_of, duplicate_distance)
            VALUES ($1, 'video', 'ready', 'originals/x', 1, $2::jsonb, $3, $4) RETURNING id
            """
        let original = try await fixture.pool.query(insert, [String(repeating: "a", count: 64), golden, nil, nil])[0]["id", as: Int64.self]
        let copy = try await fixture.pool.query(insert, [String(repeating: "b", count: 64), golden, original, 3])[0]["id", as: Int64.self]
        try await fixture.test { client in
            let page = try await client.send(.get, "/admin/media/\(copy)", token: Self.token)
            #expect(page.status == .ok)
            // The manifest has no store_prefix, so its paths sit right under media/<id>/.
            #expect(page.text.contains("<video"))
            #expect(page.text.contains("src=\"/media/media/\(copy)/360.mp4\""))
            #expect(page.text.contains("poster=\"/media/media/\(copy)/poster/640.jpg\""))
            #expect(page.text.contains("src=\"/media/media/\(copy)/poster/150.jpg\""))
            #expect(page.text.contains("src=\"/media/media/\(original)/poster/150.jpg\""))
            #expect(page.text.contains("distance 3"))
            let json = try await client.send(.get, "/admin/api/media/\(copy)", token: Self.token).object()
            let original = try #require(json["duplicate_of_media"] as? [String: Any])
            #expect(original["thumbnail_url"] as? String == "/media/media/\(original["id"] as? Int64 ?? 0)/poster/150.jpg")
        }
    }
}
