import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP text: NUL refused, lengths counted as PostgreSQL counts them")
struct HTTPTextTests {
    @Test("a comment with a NUL is 400 invalid_text and nothing is stored")
    func commentNUL() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let postID = try await fixture.readyPost(userID: alice.id)
            let response = try await client.send(
                .post, "/api/v1/posts/\(postID)/comments", token: alice.token, json: #"{"text": "ab\u0000cd"}"#)
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "invalid_text")
            let stored = try await fixture.pool.query("SELECT count(*) AS n FROM comments WHERE post_id = $1", [postID])
            #expect(try stored[0]["n", as: Int64.self] == 0)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").object()["comment_count"] as? Int == 0)
        }
    }

    @Test("2,200 graphemes of 4,400 code points are 400 comment_too_long; 2,200 code points are stored whole")
    func commentLength() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let postID = try await fixture.readyPost(userID: alice.id)
            // "e" + COMBINING ACUTE ACCENT: one grapheme, two code points.
            let decomposed = String(repeating: "e\u{301}", count: 2200)
            let long = try await client.send(
                .post, "/api/v1/posts/\(postID)/comments", token: alice.token, json: try Self.json(["text": decomposed]))
            #expect(long.status == .badRequest)
            #expect(try long.errorCode() == "comment_too_long")

            let precomposed = String(repeating: "\u{e9}", count: 2200)  // 2,200 code points
            let fits = try await client.send(
                .post, "/api/v1/posts/\(postID)/comments", token: alice.token, json: try Self.json(["text": precomposed]))
            #expect(fits.status == .created)
            let stored = try await fixture.pool.query("SELECT length(text) AS n FROM comments WHERE post_id = $1", [postID])
            #expect(try stored[0]["n", as: Int64.self] == 2200)
            let over = try await client.send(
                .post, "/api/v1/posts/\(postID)/comments", token: alice.token,
                json: try Self.json(["text": precomposed + "x"]))
            #expect(over.status == .badRequest)
        }
    }

    @Test("a caption with a NUL is 400 invalid_text and no post is created")
    func captionNUL() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let response = try await HTTPPostTests.upload(
                client, alice, HTTPPostTests.multipart(HTTPPostTests.jpeg(), caption: "before\u{0}after"))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "invalid_text")
            let posts = try await fixture.pool.query("SELECT count(*) AS n FROM posts WHERE user_id = $1", [alice.id])
            #expect(try posts[0]["n", as: Int64.self] == 0)
        }
    }

    @Test("log-in with a NUL in the username is 400, not a session for the name before it")
    func logInNUL() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            _ = try await client.user("alice")
            let response = try await client.send(
                .post, "/api/v1/sessions", json: #"{"username": "alice\u0000x", "password": "password123"}"#)
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "invalid_text")
        }
    }

    static func json(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
