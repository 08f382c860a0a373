import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

/// Notifications end to end over real sockets: events written with their causes, coalesced by
/// the folder, delivered on the SSE stream (also across two daemons on one database), resumed
/// with Last-Event-ID. Waits are on stream events, never on time.
@Suite("HTTP notifications")
struct HTTPNotificationTests {
    /// Test settings: a heartbeat a second, so a closed client is noticed quickly.
    static func configure(_ configuration: inout HTTPConfiguration) {
        configuration.notifications.heartbeatInterval = .seconds(1)
        configuration.likeLimit = RateLimit(burst: 10_000, perMinute: 10_000)
    }

    /// A stream for `user`, returned once it answered 200 and said it is connected.
    static func stream(
        _ client: any TestClientProtocol, _ user: TestUser, lastEventID: String? = nil
    ) async throws -> EventStreamClient {
        var headers = ["Authorization": "Bearer \(user.token)"]
        if let lastEventID { headers["Last-Event-ID"] = lastEventID }
        let stream = try EventStreamClient(port: try #require(client.port), path: "/api/v1/notifications/stream", headers: headers)
        #expect(try await stream.next() == .status("HTTP/1.1 200 OK"))
        while let item = try await stream.next() {
            if item == .comment("connected") { return stream }
        }
        Issue.record("stream closed before it was connected")
        return stream
    }

    /// The next notification event that satisfies `accept` (earlier ones are skipped).
    static func event(
        _ stream: EventStreamClient, _ accept: ([String: Any]) -> Bool = { _ in true }
    ) async throws -> (id: String, body: [String: Any]) {
        while let item = try await stream.next() {
            guard case .event(let id, let data) = item else { continue }
            let body = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
            if accept(body) { return (try #require(id), body) }
        }
        throw POSIXError(.ECONNRESET)
    }

    static func names(_ body: [String: Any]) -> [String] {
        (body["actors"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
    }

    @Test("likes coalesce into one notification; an unlike before reading lowers it; read marks it")
    func coalesceAndRetract() async throws {
        let fixture = try await HTTPFixture.make(Self.configure)
        try await fixture.test { client in
            let (ada, bob, cat, dan) = (try await client.user("ada"), try await client.user("bob"), try await client.user("cat"), try await client.user("dan"))
            let postID = try await fixture.readyPost(userID: bob.id)
            let stream = try await Self.stream(client, bob)
            // Bob's own post being ready is not a like; skip it.
            let like = try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: ada.token)
            #expect(like.status == .created)
            #expect(try like.object()["like_count"] as? Int == 1)
            let first = try await Self.event(stream) { $0["kind"] as? String == "like" }
            #expect(first.body["actor_count"] as? Int == 1)
            #expect(Self.names(first.body) == ["ada"])
            let notificationID = try #require(first.body["notification_id"] as? String)
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: cat.token).status == .created)
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: dan.token).status == .created)
            let three = try await Self.event(stream) { $0["kind"] as? String == "like" && $0["actor_count"] as? Int == 3 }
            #expect(three.body["notification_id"] as? String == notificationID)
            #expect(Self.names(three.body) == ["dan", "cat", "ada"])
            #expect(three.body["text"] as? String == "dan and 2 others liked your post")
            #expect(Int64(three.id) ?? 0 > Int64(first.id) ?? 0)
            // Bob's own like notifies nobody.
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: bob.token).status == .created)

            let list = try await client.send(.get, "/api/v1/notifications", token: bob.token)
            let likes = try #require(list.object()["notifications"] as? [[String: Any]]).filter { $0["kind"] as? String == "like" }
            #expect(likes.count == 1)
            #expect(likes.first?["actor_count"] as? Int == 3)
            let image = try #require(likes.first?["image_url"] as? String)
            #expect(image.hasPrefix("/media/") && image.hasSuffix("150.jpg"))

            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)/likes", token: ada.token).status == .noContent)
            let two = try await Self.event(stream) { $0["notification_id"] as? String == notificationID && $0["actor_count"] as? Int == 2 }
            #expect(Self.names(two.body) == ["dan", "cat"])

            let unread = try await client.send(.get, "/api/v1/notifications/unread_count", token: bob.token)
            let before = try #require(unread.object()["unread_count"] as? Int)
            #expect(before >= 1)
            // An id past any there can be (beyond Int64) marks every one, as the spec allows it.
            let read = try await client.send(
                .post, "/api/v1/notifications/read", token: bob.token, json: #"{"up_to": "118100517178286071835600248806"}"#)
            #expect(try read.object()["unread_count"] as? Int == 0)
            let marked = try await Self.event(stream) { $0["notification_id"] as? String == notificationID && $0["read"] as? Bool == true }
            #expect(marked.body["actor_count"] as? Int == 2)
            // Once read, an unlike no longer changes it: cat's unlike leaves 2.
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)/likes", token: cat.token).status == .noContent)
            _ = try await fixture.api.hub.folder.runOnce()
            let after = try await client.send(.get, "/api/v1/notifications", token: bob.token)
            let kept = try #require(after.object()["notifications"] as? [[String: Any]]).first { $0["notification_id"] as? String == notificationID }
            #expect(kept?["actor_count"] as? Int == 2)
            stream.disconnect()
        }
    }

    @Test("a like whose transaction fails notifies nobody; a like right after it arrives")
    func rolledBackLike() async throws {
        let fixture = try await HTTPFixture.make(Self.configure)
        try await fixture.test { client in
            let (ada, bob, cat) = (try await client.user("ada"), try await client.user("bob"), try await client.user("cat"))
            let postID = try await fixture.readyPost(userID: bob.id)
            let stream = try await Self.stream(client, bob)
            // The like's transaction fails after its event row was written.
            try await fixture.pool.execute(
                """
                CREATE FUNCTION refuse_ada() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.actor_id = \(ada.id) THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER refuse_ada AFTER INSERT ON notification_events FOR EACH ROW EXECUTE FUNCTION refuse_ada();
                """)
            let failed = try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: ada.token)
            #expect(failed.status == .internalServerError)
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: cat.token).status == .created)
            let control = try await Self.event(stream) { $0["kind"] as? String == "like" }
            #expect(Self.names(control.body) == ["cat"])
            #expect(control.body["actor_count"] as? Int == 1)
            let rows = try await fixture.pool.query("SELECT count(*)::int8 AS n FROM likes WHERE post_id = $1", [postID])
            #expect(try rows[0]["n", as: Int64.self] == 1)
            stream.disconnect()
        }
    }

    @Test("a client reconnecting with Last-Event-ID gets every change it missed")
    func resume() async throws {
        let fixture = try await HTTPFixture.make(Self.configure)
        try await fixture.test { client in
            let (ada, bob, cat) = (try await client.user("ada"), try await client.user("bob"), try await client.user("cat"))
            let postID = try await fixture.readyPost(userID: bob.id)
            let stream = try await Self.stream(client, bob)
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: ada.token).status == .created)
            let seen = try await Self.event(stream) { $0["kind"] as? String == "like" }
            stream.disconnect()
            // While away: cat likes (the like notification changes in place) and follows.
            #expect(try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: cat.token).status == .created)
            #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: cat.token).status == .ok)
            let again = try await Self.stream(client, bob, lastEventID: seen.id)
            let like = try await Self.event(again) { $0["kind"] as? String == "like" && $0["actor_count"] as? Int == 2 }
            #expect(Int64(like.id) ?? 0 > Int64(seen.id) ?? 0)
            let follow = try await Self.event(again) { $0["kind"] as? String == "follow" }
            #expect(Self.names(follow.body) == ["cat"])
            #expect(follow.body["text"] as? String == "cat started following you")
            again.disconnect()

            // Untrusted resume points and tickets are categorised 400s and 401s.
            let port = try #require(client.port)
            let bad = try EventStreamClient(
                port: port, path: "/api/v1/notifications/stream",
                headers: ["Authorization": "Bearer \(bob.token)", "Last-Event-ID": "12x"])
            #expect(try await bad.next() == .status("HTTP/1.1 400 Bad Request"))
            let anonymous = try await client.send(.get, "/api/v1/notifications/stream")
            #expect(anonymous.status == .unauthorized)
            let malformed = try await client.send(.get, "/api/v1/notifications/stream?ticket=%00zz")
            #expect(malformed.status == .badRequest)
            #expect(try malformed.errorCode() == "invalid_ticket")
        }
    }

    @Test("a stream ticket works once, without a bearer token in the URL")
    func tickets() async throws {
        let fixture = try await HTTPFixture.make(Self.configure)
        try await fixture.test { client in
            let bob = try await client.user("bob")
            let issued = try await client.send(.post, "/api/v1/notifications/stream/tickets", token: bob.token)
            #expect(issued.status == .created)
            let ticket = try #require(issued.object()["ticket"] as? String)
            let stream = try EventStreamClient(port: try #require(client.port), path: "/api/v1/notifications/stream?ticket=\(ticket)")
            #expect(try await stream.next() == .status("HTTP/1.1 200 OK"))
            stream.disconnect()
            let reused = try await client.send(.get, "/api/v1/notifications/stream?ticket=\(ticket)")
            #expect(reused.status == .unauthorized)
            #expect(try reused.errorCode() == "unknown_ticket")
            let expired = try await client.send(.post, "/api/v1/notifications/stream/tickets", token: bob.token)
            let late = try #require(expired.object()["ticket"] as? String)
            await #expect(throws: SocialError.self) {
                try await fixture.api.notifications.redeem(ticket: late, now: Date().addingTimeInterval(3600))
            }
        }
    }

    @Test("two daemons on one database: a like through one reaches a stream on the other")
    func twoDaemons() async throws {
        let first = try await HTTPFixture.make(Self.configure)
        let second = try await HTTPFixture.make(migrate: false, sharing: first, Self.configure)
        try await first.test { one in
            try await second.test { two in
                let ada = try await one.user("ada")
                let bob = try await one.user("bob")
                let postID = try await first.readyPost(userID: bob.id)
                let stream = try await Self.stream(two, bob)
                #expect(try await one.send(.post, "/api/v1/posts/\(postID)/likes", token: ada.token).status == .created)
                let event = try await Self.event(stream) { $0["kind"] as? String == "like" }
                #expect(Self.names(event.body) == ["ada"])
                stream.disconnect()
            }
        }
    }

    @Test("streams per user are capped: the third is 429 too_many_streams")
    func streamCap() async throws {
        let fixture = try await HTTPFixture.make {
            Self.configure(&$0)
            $0.notifications.streamsPerUser = 2
        }
        try await fixture.test { client in
            let bob = try await client.user("bob")
            let open = [try await Self.stream(client, bob), try await Self.stream(client, bob)]
            let third = try await client.send(.get, "/api/v1/notifications/stream", token: bob.token)
            #expect(third.status == .tooManyRequests)
            #expect(try third.errorCode() == "too_many_streams")
            for stream in open { stream.disconnect() }
        }
    }

    @Test("open streams leave the ordinary connection cap: with a cap of 2, two streams and a request fit")
    func streamsApartFromConnectionCap() async throws {
        let fixture = try await HTTPFixture.make {
            Self.configure(&$0)
            $0.maximumConnections = 2
        }
        try await fixture.test { client in
            let bob = try await client.user("bob")
            let open = [try await Self.stream(client, bob), try await Self.stream(client, bob), try await Self.stream(client, bob)]
            let connection = try RawConnection(port: try #require(client.port))
            let status = await connection.exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(status == "HTTP/1.1 200 OK")
            for stream in open { stream.disconnect() }
        }
    }
}
