import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Platform

/// Sessions have a maximum age and an idle age; the sweeper deletes what can no longer log in.
@Suite("HTTP sessions expire")
struct HTTPSessionTests {
    /// Sessions live a day and idle an hour; tokens are looked up on every request.
    static func fixture() async throws -> HTTPFixture {
        try await HTTPFixture.make { configuration in
            configuration.social.sessionCacheTTL = .zero
            configuration.social.sessionMaximumAge = .seconds(86_400)
            configuration.social.sessionIdleAge = .seconds(3_600)
        }
    }

    static func age(_ fixture: HTTPFixture, _ user: TestUser, column: String, seconds: Int) async throws {
        let sql = column == "created_at"
            ? "UPDATE sessions SET created_at = now() - make_interval(secs => $2) WHERE user_id = $1"
            : "UPDATE sessions SET last_used_at = now() - make_interval(secs => $2) WHERE user_id = $1"
        try await fixture.pool.query(sql, [user.id, Double(seconds)])
    }

    @Test("a session older than the maximum age is 401, however recently used")
    func maximumAge() async throws {
        let fixture = try await Self.fixture()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .ok)
            try await Self.age(fixture, alice, column: "created_at", seconds: 86_400 - 60)
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .ok)
            try await Self.age(fixture, alice, column: "created_at", seconds: 86_400 + 60)
            let expired = try await client.send(.get, "/api/v1/feed", token: alice.token)
            #expect(expired.status == .unauthorized)
            #expect(try expired.errorCode() == "unauthorized")
        }
    }

    @Test("a session unused for the idle age is 401; using it moves its last use forward")
    func idleAge() async throws {
        let fixture = try await Self.fixture()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            try await Self.age(fixture, alice, column: "last_used_at", seconds: 3_000)
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .ok)
            let used = try await fixture.pool.query(
                "SELECT extract(epoch FROM now() - last_used_at)::float8 AS idle FROM sessions WHERE user_id = $1", [alice.id])
            #expect(try used[0]["idle", as: Double.self] < 60)
            try await Self.age(fixture, alice, column: "last_used_at", seconds: 3_700)
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .unauthorized)
        }
    }

    @Test("the sweeper deletes expired, idle and revoked sessions and stale log-in failures, and keeps live ones")
    func sweeper() async throws {
        let fixture = try await Self.fixture()
        let users = try await fixture.testReturning { client in
            [try await client.user("old"), try await client.user("idle"), try await client.user("revoked"), try await client.user("live")]
        }
        try await Self.age(fixture, users[0], column: "created_at", seconds: 90_000)
        try await Self.age(fixture, users[1], column: "last_used_at", seconds: 4_000)
        try await fixture.pool.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1", [users[2].id])
        let now = Date()
        try await fixture.pool.query(
            "INSERT INTO login_failures VALUES ('user:stale', 3, $1, $1), ('user:recent', 3, $2, $2)",
            [now.addingTimeInterval(-7_200), now.addingTimeInterval(-60)])
        let sweeper = try SessionSweeper(
            pool: fixture.pool, social: fixture.api.configuration.social, configuration: .init(batchSize: 1),
            logger: Logger(label: "sweeper-test"))
        let outcome = try await sweeper.runOnce(now: now)
        #expect(outcome.sessions == 3)
        #expect(outcome.loginFailures == 1)
        let left = try await fixture.pool.query("SELECT user_id FROM sessions")
        #expect(try left.map { try $0["user_id", as: Int64.self] } == [users[3].id])
        let keys = try await fixture.pool.query("SELECT key FROM login_failures")
        #expect(try keys.map { try $0["key", as: String.self] } == ["user:recent"])
        #expect(try await sweeper.runOnce(now: now) == SessionSweeper.Outcome())
    }
}

extension HTTPFixture {
    /// `test` returning what `body` returns.
    func testReturning<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        try await test { client in
            let value = try await body(client)
            result.withLock { $0 = value }
        }
        return try #require(result.withLock { $0 })
    }
}
