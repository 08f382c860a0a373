import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP users and sessions")
struct HTTPUserTests {
    @Test("register, log in, log out; revoked tokens are refused")
    func sessions() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let created = try await client.send(.post, "/api/v1/users", json: #"{"username": "alice", "password": "password123"}"#)
            #expect(created.status == .created)
            #expect(try created.object()["username"] as? String == "alice")
            let taken = try await client.send(.post, "/api/v1/users", json: #"{"username": "alice", "password": "password456"}"#)
            #expect(taken.status == .conflict)
            #expect(try taken.errorCode() == "username_taken")

            let wrong = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "nope-nope"}"#)
            #expect(wrong.status == .unauthorized)
            let unknown = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "bob", "password": "password123"}"#)
            #expect(unknown.status == .unauthorized)

            let session = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "password123"}"#)
            #expect(session.status == .created)
            let token = try #require(try session.object()["token"] as? String)
            #expect(try await client.send(.get, "/api/v1/feed", token: token).status == .ok)

            #expect(try await client.send(.delete, "/api/v1/sessions").status == .unauthorized)
            #expect(try await client.send(.delete, "/api/v1/sessions", token: token).status == .noContent)
            #expect(try await client.send(.delete, "/api/v1/sessions", token: token).status == .unauthorized)
            let revoked = try await client.send(.get, "/api/v1/feed", token: token)
            #expect(revoked.status == .unauthorized)
            #expect(try revoked.errorCode() == "unauthorized")
        }
        let stored = try await fixture.pool.query("SELECT token_hash FROM sessions")
        #expect(stored.count == 1)
    }

    /// Timing is the point here, so the margin is wide: the fastest of six unknown-name
    /// log-ins must cost at least a quarter of the fastest wrong-password one (both one bcrypt
    /// at cost 10). Without the absent-user hash an unknown name answers after one indexed
    /// lookup, two orders of magnitude sooner. The two kinds alternate so they see the same
    /// load, and load only slows runs down: minima see through it.
    @Test("an unknown username costs a bcrypt like a wrong password does")
    func unknownUserTiming() async throws {
        let fixture = try await HTTPFixture.make { $0.social.bcryptCost = 10 }
        let users = fixture.api.users
        _ = try await users.register(username: "carol", password: "password123")
        func timed(_ username: String) async -> Duration {
            let start = ContinuousClock.now
            await #expect(throws: SocialError.self) {
                try await users.logIn(username: username, password: "not-the-password")
            }
            return ContinuousClock.now - start
        }
        var wrongPassword = Duration.seconds(3600)
        var unknownUser = Duration.seconds(3600)
        for _ in 0..<6 {
            wrongPassword = min(wrongPassword, await timed("carol"))
            unknownUser = min(unknownUser, await timed("nobody_here"))
        }
        #expect(unknownUser * 4 >= wrongPassword, "unknown \(unknownUser), wrong password \(wrongPassword)")
    }

    @Test("registration rules give 400 with the error shape", arguments: [
        #"{"username": "ab", "password": "password123"}"#,
        #"{"username": "Alice", "password": "password123"}"#,
        #"{"username": "al ice", "password": "password123"}"#,
        #"{"username": "alice", "password": "short"}"#,
        // 7 characters, 28 bytes: lengths are characters, as the spec's minLength counts.
        "{\"username\": \"alice\", \"password\": \"" + String(repeating: "\u{1F600}", count: 7) + "\"}",
        // 73 characters.
        #"{"username": "alice", "password": "\#(String(repeating: "a", count: 73))"}"#,
        #"{"username": "alice"}"#,
        "not json",
    ])
    func invalidRegistration(body: String) async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let response = try await client.send(.post, "/api/v1/users", json: body)
            #expect(response.status == .badRequest)
            _ = try response.errorCode()
        }
    }

    /// 72 four-byte characters are 288 bytes: accepted (the spec counts characters), and every
    /// one of them counts, though bcrypt itself reads 72 bytes.
    @Test("a password of 72 characters over 72 bytes registers and only it logs in")
    func longMultibytePassword() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let password = String(repeating: "\u{1F600}", count: 71) + "\u{1F601}"
            let nearly = String(repeating: "\u{1F600}", count: 72)
            func body(_ password: String) throws -> String {
                String(decoding: try JSONSerialization.data(withJSONObject: ["username": "emoji", "password": password]), as: UTF8.self)
            }
            #expect(try await client.send(.post, "/api/v1/users", json: try body(password)).status == .created)
            #expect(try await client.send(.post, "/api/v1/sessions", json: try body(password)).status == .created)
            let wrong = try await client.send(.post, "/api/v1/sessions", json: try body(nearly))
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test("profiles show counts; unknown users are 404; unknown routes are JSON 404s")
    func profiles() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let profile = try await client.send(.get, "/api/v1/users/\(alice.id)")
            #expect(profile.status == .ok)
            let object = try profile.object()
            #expect(object["username"] as? String == "alice")
            #expect(object["user_id"] as? String == String(alice.id))
            #expect(object["follower_count"] as? Int == 0)
            #expect(object["bio"] as? String == "")
            #expect(try await client.send(.get, "/api/v1/users/999999").status == .notFound)
            let missing = try await client.send(.get, "/api/v1/nothing-here")
            #expect(missing.status == .notFound)
            #expect(try missing.errorCode() == "not_found")
        }
    }

    @Test("every write route needs a bearer token", arguments: [
        (HTTPRequest.Method.post, "/api/v1/posts"), (.delete, "/api/v1/posts/1"), (.post, "/api/v1/posts/1/likes"),
        (.delete, "/api/v1/posts/1/likes"), (.post, "/api/v1/posts/1/comments"), (.post, "/api/v1/users/1/follow"),
        (.delete, "/api/v1/users/1/follow"), (.get, "/api/v1/feed"), (.delete, "/api/v1/sessions"),
        (.get, "/api/v1/users/me"), (.patch, "/api/v1/users/me"), (.delete, "/api/v1/users/me"),
        (.put, "/api/v1/users/me/password"), (.delete, "/api/v1/users/me/sessions"), (.put, "/api/v1/users/me/avatar"),
        (.get, "/api/v1/users/me/blocks"), (.get, "/api/v1/users/me/mutes"), (.put, "/api/v1/users/1/block"),
        (.delete, "/api/v1/users/1/block"), (.put, "/api/v1/users/1/mute"), (.delete, "/api/v1/users/1/mute"),
    ])
    func authRequired(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let anonymous = try await client.send(method, path, json: "{}")
            #expect(anonymous.status == .unauthorized)
            let forged = try await client.send(method, path, token: String(repeating: "a", count: 64), json: "{}")
            #expect(forged.status == .unauthorized)
        }
    }

    @Test("database failures answer a generic 500 without SQL")
    func noInternalsLeak() async throws {
        let fixture = try await HTTPFixture.make(migrate: false)
        try await fixture.test { client in
            let responses = [
                try await client.send(.get, "/api/v1/users/1"),
                try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "password123"}"#),
                try await client.send(.get, "/api/v1/posts/1/comments"),
            ]
            for response in responses {
                #expect(response.status == .internalServerError)
                #expect(try response.errorCode() == "internal")
                for word in ["SELECT", "relation", "users", "sql", "/"] {
                    #expect(!response.text.contains(word), "\(response.text)")
                }
            }
        }
    }
}
