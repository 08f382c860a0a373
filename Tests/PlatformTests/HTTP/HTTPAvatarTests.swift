import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP avatars")
struct HTTPAvatarTests {
    static let boundary = "avatar-boundary-51c2"

    static func upload(_ client: any TestClientProtocol, _ user: TestUser, _ bytes: [UInt8], part: String = "avatar") async throws -> TestResponse {
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part)\"; filename=\"me.jpg\"\r\n\r\n".utf8)
        body += bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers = user.auth
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.executeRequest(uri: "/api/v1/users/me/avatar", method: .put, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// What a `user.avatar` job publishes, and its completion.
    static func complete(_ fixture: HTTPFixture, avatarID: Int64) async throws -> [ObjectKey] {
        let prefix = ObjectKey.avatarPrefix(avatarID: avatarID) + "avatar-v1"
        var keys: [ObjectKey] = []
        for path in AvatarService.renditionPaths {
            let key = try ObjectKey(prefix + "/" + path)
            _ = try fixture.store.put(key, data: Data("\(key)".utf8))
            keys.append(key)
        }
        let store = fixture.store
        try await fixture.pool.transaction { connection in
            _ = try AvatarService.complete(avatarID: avatarID, prefix: prefix, store: store, on: connection)
        }
        return keys
    }

    @Test("an upload is stored privately and enqueued; once complete the profile, feed, posts and comments show it; a newer one removes the old files")
    func lifecycle() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let refused = try await Self.upload(client, alice, HTTPPostTests.mp4())
            #expect(refused.status == .badRequest)
            #expect(try refused.errorCode() == "unsupported_media")
            let wrongPart = try await Self.upload(client, alice, HTTPPostTests.jpeg(), part: "media")
            #expect(try wrongPart.errorCode() == "missing_media")

            let first = try await Self.upload(client, alice, HTTPPostTests.jpeg())
            #expect(first.status == .accepted)
            let firstID = try #require(Int64(try first.object()["avatar_id"] as? String ?? ""))
            let upload = try ObjectKey.avatarUpload(avatarID: firstID)
            #expect(try fixture.store.exists(upload))
            #expect(try await client.send(.get, "/media/\(upload.rawValue)").status == .notFound)
            let jobs = try await fixture.pool.query("SELECT payload::text AS payload, lane FROM jobs WHERE kind = 'user.avatar'")
            #expect(jobs.count == 1)
            #expect(try jobs[0]["lane", as: String.self] == "photo")
            // Processing: no avatar yet.
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)").object()["avatar"] == nil)

            let firstFiles = try await Self.complete(fixture, avatarID: firstID)
            #expect(!(try fixture.store.exists(upload)))
            // A completion run again (its first commit lost) keeps the avatar and its files.
            #expect(try await Self.complete(fixture, avatarID: firstID) == firstFiles)
            for key in firstFiles { #expect(try fixture.store.exists(key)) }
            let avatar = try #require(try await client.send(.get, "/api/v1/users/\(alice.id)").object()["avatar"] as? [String: Any])
            let small = "/media/avatars/\(firstID)/avatar-v1/150.jpg"
            #expect(avatar["url150"] as? String == small)
            #expect(avatar["webp320"] as? String == "/media/avatars/\(firstID)/avatar-v1/320.webp")
            let served = try await client.send(.get, small)
            #expect(served.status == .ok)

            let post = try await fixture.readyPost(userID: alice.id)
            #expect(try await client.send(.get, "/api/v1/posts/\(post)").object()["author_avatar_url"] as? String == small)
            #expect(try await client.send(.post, "/api/v1/posts/\(post)/comments", token: alice.token, json: #"{"text": "mine"}"#).status == .created)
            #expect(try await client.send(.post, "/api/v1/posts/\(post)/comments", token: bob.token, json: #"{"text": "nice"}"#).status == .created)
            let comments = try #require(try await client.send(.get, "/api/v1/posts/\(post)/comments").object()["comments"] as? [[String: Any]])
            #expect(comments.map { $0["author_avatar_url"] as? String } == [nil, small])
            #expect(comments.map { $0["username"] as? String } == ["bob", "alice"])
            let feed = try await client.send(.get, "/api/v1/feed", token: alice.token).object()["posts"] as? [[String: Any]]
            #expect(feed?.first?["author_avatar_url"] as? String == small)

            // Two uploads complete out of order: the newer stays current, the older goes.
            let second = try #require(Int64(try await Self.upload(client, alice, HTTPPostTests.jpeg(seed: 2)).object()["avatar_id"] as? String ?? ""))
            let third = try #require(Int64(try await Self.upload(client, alice, HTTPPostTests.jpeg(seed: 3)).object()["avatar_id"] as? String ?? ""))
            let thirdFiles = try await Self.complete(fixture, avatarID: third)
            for key in firstFiles { #expect(!(try fixture.store.exists(key))) }
            let secondFiles = try await Self.complete(fixture, avatarID: second)
            for key in secondFiles { #expect(!(try fixture.store.exists(key))) }
            for key in thirdFiles { #expect(try fixture.store.exists(key)) }
            let current = try await client.send(.get, "/api/v1/users/\(alice.id)").object()["avatar"] as? [String: Any]
            #expect(current?["url150"] as? String == "/media/avatars/\(third)/avatar-v1/150.jpg")
            let rows = try await fixture.pool.query("SELECT id FROM avatars WHERE user_id = $1", [alice.id])
            #expect(try rows.map { try $0["id", as: Int64.self] } == [third])
            // Account deletion removes the avatar's files too.
            #expect(try await client.send(.delete, "/api/v1/users/me", token: alice.token, json: #"{"password": "password123"}"#).status == .accepted)
            #expect(try await fixture.api.accountDeletion.run(userID: alice.id))
            for key in thirdFiles { #expect(!(try fixture.store.exists(key))) }
        }
    }

    @Test("a refused avatar fails without changing the current one, and its upload goes")
    func refused() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let id = try #require(Int64(try await Self.upload(client, alice, HTTPPostTests.jpeg()).object()["avatar_id"] as? String ?? ""))
            let store = fixture.store
            try await fixture.pool.transaction { connection in
                try AvatarService.fail(avatarID: id, code: "corrupt_image", store: store, on: connection)
            }
            #expect(!(try fixture.store.exists(try ObjectKey.avatarUpload(avatarID: id))))
            let row = try await fixture.pool.query("SELECT status, error_code FROM avatars WHERE id = $1", [id])[0]
            #expect(try row["status", as: String.self] == "failed")
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)").object()["avatar"] == nil)
        }
    }
}
