import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Platform

/// Limits on registration, log-in, follows and comments per post; failed log-ins back off in
/// PostgreSQL; the client address comes from `X-Forwarded-For` only behind a trusted proxy.
@Suite("HTTP rate limits and log-in back-off")
struct HTTPRateLimitTests {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func register(
        _ client: any TestClientProtocol, _ name: String, from address: String? = nil
    ) async throws -> TestResponse {
        try await client.send(
            .post, "/api/v1/users", json: #"{"username": "\#(name)", "password": "password123"}"#,
            headers: address.map { [Self.forwardedFor: $0] } ?? [:])
    }

    static func logIn(
        _ client: any TestClientProtocol, _ name: String, password: String = "password123", from address: String? = nil
    ) async throws -> TestResponse {
        try await client.send(
            .post, "/api/v1/sessions", json: #"{"username": "\#(name)", "password": "\#(password)"}"#,
            headers: address.map { [Self.forwardedFor: $0] } ?? [:])
    }

    @Test("registrations are limited per address; X-Forwarded-For counts only from a trusted proxy")
    func registerByAddress() async throws {
        for trusted in [false, true] {
            let fixture = try await HTTPFixture.make { configuration in
                configuration.registerLimit = RateLimit(burst: 2, perMinute: 0)
                if trusted { configuration.trustedProxies = ["127.0.0.1"] }
            }
            try await fixture.test { client in
                #expect(try await Self.register(client, "user_a", from: "203.0.113.1").status == .created)
                #expect(try await Self.register(client, "user_b", from: "203.0.113.1").status == .created)
                let third = try await Self.register(client, "user_c", from: "203.0.113.1")
                #expect(third.status == .tooManyRequests)
                #expect(try third.errorCode() == "rate_limited")
                #expect(Int(third.headers[.retryAfter] ?? "") ?? 0 >= 1)
                // The proxy appends the address it saw: what a client prepends changes nothing.
                let prepended = try await Self.register(client, "user_d", from: "198.51.100.7, 203.0.113.1")
                #expect(prepended.status == .tooManyRequests)
                // Another client behind the proxy has its own budget; without a trusted proxy
                // the header is the client's own claim and the peer (127.0.0.1) is spent.
                let elsewhere = try await Self.register(client, "user_e", from: "198.51.100.7")
                #expect(elsewhere.status == (trusted ? .created : .tooManyRequests), "trusted: \(trusted)")
            }
        }
    }

    @Test("registrations and log-ins are limited per username across addresses")
    func byUsername() async throws {
        let fixture = try await HTTPFixture.make { configuration in
            configuration.registerLimit = RateLimit(burst: 2, perMinute: 0)
            configuration.loginLimit = RateLimit(burst: 3, perMinute: 0)
            configuration.trustedProxies = ["127.0.0.1"]
        }
        try await fixture.test { client in
            let created = try await Self.register(client, "target", from: "192.0.2.1")
            #expect(created.status == .created)
            #expect(try await Self.register(client, "target", from: "192.0.2.2").status == .conflict)
            #expect(try await Self.register(client, "target", from: "192.0.2.3").status == .tooManyRequests)
            for (index, address) in ["192.0.2.4", "192.0.2.5", "192.0.2.6"].enumerated() {
                #expect(try await Self.logIn(client, "target", from: address).status == .created, "\(index)")
            }
            #expect(try await Self.logIn(client, "target", from: "192.0.2.7").status == .tooManyRequests)
        }
    }

    @Test("failed log-ins lock the username and the address out, in PostgreSQL, for every daemon")
    func logInBackOff() async throws {
        let fixture = try await HTTPFixture.make { configuration in
            configuration.trustedProxies = ["127.0.0.1"]
            configuration.social.loginThrottle = LoginThrottle.Configuration(
                freeFailures: 2, firstLock: .seconds(600), longestLock: .seconds(3600))
        }
        try await fixture.test { client in
            _ = try await Self.register(client, "alice", from: "192.0.2.1")
            _ = try await Self.register(client, "bob", from: "192.0.2.1")
            for _ in 0..<3 {
                let wrong = try await Self.logIn(client, "alice", password: "wrong-password", from: "192.0.2.9")
                #expect(wrong.status == .unauthorized)
            }
            // The third failure locked "alice" and 192.0.2.9: even the right password waits.
            let locked = try await Self.logIn(client, "alice", from: "192.0.2.10")
            #expect(locked.status == .tooManyRequests)
            #expect(try locked.errorCode() == "login_locked")
            let wait = Int(locked.headers[.retryAfter] ?? "") ?? 0
            #expect(wait > 500 && wait <= 600, "\(wait)")
            #expect(try await Self.logIn(client, "bob", from: "192.0.2.9").status == .tooManyRequests)
            #expect(try await Self.logIn(client, "bob", from: "192.0.2.10").status == .created)
        }
        // A second daemon on the same database sees the same lock.
        let other = try HTTPAPI(
            configuration: fixture.api.configuration, pool: fixture.pool, store: fixture.store,
            hooks: PostHooks(enqueueProcessing: { _, _, _ in }, enqueueDeletion: { _, _ in }, enqueueFanOut: { _, _ in }),
            logger: Logger(label: "second-daemon"))
        try await LiveServer.run(other) { client in
            let locked = try await Self.logIn(client, "alice", from: "192.0.2.11")
            #expect(locked.status == .tooManyRequests)
        }
    }

    @Test("the lock doubles per failure past the free ones, up to the longest, and is forgotten")
    func throttleSchedule() async throws {
        let fixture = try await HTTPFixture.make()
        let throttle = LoginThrottle(
            pool: fixture.pool,
            configuration: .init(freeFailures: 1, firstLock: .seconds(10), longestLock: .seconds(40), forgetAfter: .seconds(3600)))
        let keys = ["user:carol"]
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func wait(at offset: Double) async throws -> Int? {
            do {
                try await throttle.check(keys: keys, now: start.addingTimeInterval(offset))
                return nil
            } catch let error as SocialError {
                guard case .rateLimited(let seconds) = error.kind else { throw error }
                return seconds
            }
        }
        try await throttle.recordFailure(keys: keys, now: start)
        #expect(try await wait(at: 0) == nil)  // the free failure
        // Failures 2, 3, 4, 5 lock for 10, 20, 40, 40 seconds (doubling, capped at 40).
        var offset = 0.0
        for expected in [10, 20, 40, 40] {
            try await throttle.recordFailure(keys: keys, now: start.addingTimeInterval(offset))
            #expect(try await wait(at: offset) == expected)
            #expect(try await wait(at: offset + Double(expected)) == nil)
            offset += Double(expected)
        }
        // An hour after the last failure the count starts again: one failure locks nothing.
        offset += 3_700
        try await throttle.recordFailure(keys: keys, now: start.addingTimeInterval(offset))
        #expect(try await wait(at: offset) == nil)
    }

    @Test("follows and unfollows share a per-user limit")
    func follows() async throws {
        let fixture = try await HTTPFixture.make { $0.followLimit = RateLimit(burst: 2, perMinute: 0) }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: alice.token).status == .ok)
            #expect(try await client.send(.delete, "/api/v1/users/\(bob.id)/follow", token: alice.token).status == .ok)
            let third = try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: alice.token)
            #expect(third.status == .tooManyRequests)
            #expect(try await client.send(.post, "/api/v1/users/\(alice.id)/follow", token: bob.token).status == .ok)
        }
    }

    @Test("comments are limited per post across commenters")
    func commentsPerPost() async throws {
        let fixture = try await HTTPFixture.make { $0.commentPostLimit = RateLimit(burst: 2, perMinute: 0) }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let carol = try await client.user("carol")
            let first = try await fixture.readyPost(userID: alice.id)
            let second = try await fixture.readyPost(userID: alice.id)
            let comment = #"{"text": "nice"}"#
            #expect(try await client.send(.post, "/api/v1/posts/\(first)/comments", token: alice.token, json: comment).status == .created)
            #expect(try await client.send(.post, "/api/v1/posts/\(first)/comments", token: bob.token, json: comment).status == .created)
            let third = try await client.send(.post, "/api/v1/posts/\(first)/comments", token: carol.token, json: comment)
            #expect(third.status == .tooManyRequests)
            #expect(try await client.send(.post, "/api/v1/posts/\(second)/comments", token: carol.token, json: comment).status == .created)
        }
    }
}
