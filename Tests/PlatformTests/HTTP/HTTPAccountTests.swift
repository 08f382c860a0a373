import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP profiles, passwords, sessions, blocks and mutes")
struct HTTPAccountTests {
    @Test("PATCH /users/me changes only the caller's name and bio; limits are 400; the profile shows them")
    func profileEdits() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let patched = try await client.send(
                .patch, "/api/v1/users/me", token: alice.token, json: #"{"display_name": "Alice A.", "bio": "hello"}"#)
            #expect(patched.status == .ok)
            #expect(try patched.object()["display_name"] as? String == "Alice A.")
            // A field left out stays.
            #expect(try await client.send(.patch, "/api/v1/users/me", token: alice.token, json: #"{"bio": "bye"}"#).status == .ok)
            let profile = try await client.send(.get, "/api/v1/users/\(alice.id)").object()
            #expect(profile["display_name"] as? String == "Alice A.")
            #expect(profile["bio"] as? String == "bye")
            #expect(profile["avatar"] == nil)
            // Bob's profile is untouched: there is no route that edits another account.
            #expect(try await client.send(.get, "/api/v1/users/\(bob.id)").object()["bio"] as? String == "")
            #expect(try await client.send(.patch, "/api/v1/users/\(bob.id)", token: alice.token, json: #"{"bio": "x"}"#).status == .methodNotAllowed)
            let long = String(repeating: "é", count: 161)
            let tooLong = try await client.send(.patch, "/api/v1/users/me", token: alice.token, json: #"{"bio": "\#(long)"}"#)
            #expect(tooLong.status == .badRequest)
            #expect(try tooLong.errorCode() == "bio_too_long")
            let name = String(repeating: "n", count: 51)
            let nameTooLong = try await client.send(.patch, "/api/v1/users/me", token: alice.token, json: #"{"display_name": "\#(name)"}"#)
            #expect(try nameTooLong.errorCode() == "display_name_too_long")
            #expect(try await client.send(.patch, "/api/v1/users/me", json: #"{"bio": "x"}"#).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/users/me", token: alice.token).object()["user_id"] as? String == String(alice.id))
        }
    }

    @Test("a password change needs the current password, keeps this session and revokes the others")
    func passwordChange() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let other = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "password123"}"#)
            let otherToken = try #require(try other.object()["token"] as? String)
            let wrong = try await client.send(
                .put, "/api/v1/users/me/password", token: alice.token,
                json: #"{"current_password": "nope-nope", "new_password": "newpassword1"}"#)
            #expect(wrong.status == .forbidden)
            #expect(try wrong.errorCode() == "wrong_password")
            #expect(try await client.send(.get, "/api/v1/feed", token: otherToken).status == .ok)
            let changed = try await client.send(
                .put, "/api/v1/users/me/password", token: alice.token,
                json: #"{"current_password": "password123", "new_password": "newpassword1"}"#)
            #expect(changed.status == .noContent)
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .ok)
            #expect(try await client.send(.get, "/api/v1/feed", token: otherToken).status == .unauthorized)
            let old = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "password123"}"#)
            #expect(old.status == .unauthorized)
            let new = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "newpassword1"}"#)
            #expect(new.status == .created)
        }
    }

    @Test("log out everywhere revokes every session of the caller and no one else's")
    func logOutEverywhere() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let second = try await client.send(.post, "/api/v1/sessions", json: #"{"username": "alice", "password": "password123"}"#)
            let secondToken = try #require(try second.object()["token"] as? String)
            #expect(try await client.send(.delete, "/api/v1/users/me/sessions", token: alice.token).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/feed", token: alice.token).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/feed", token: secondToken).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/feed", token: bob.token).status == .ok)
        }
    }

    @Test("a block removes follows both ways, hides profiles, posts and comments, refuses follow, like and comment; unblock restores access")
    func blocks() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let carol = try await client.user("carol")
            #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: alice.token).status == .ok)
            #expect(try await client.send(.post, "/api/v1/users/\(alice.id)/follow", token: bob.token).status == .ok)
            let alicePost = try await fixture.readyPost(userID: alice.id)
            let bobPost = try await fixture.readyPost(userID: bob.id)
            let carolPost = try await fixture.readyPost(userID: carol.id)
            func feed(_ user: TestUser) async throws -> Set<String> {
                let posts = try await client.send(.get, "/api/v1/feed", token: user.token).object()["posts"] as? [[String: Any]]
                return Set((posts ?? []).compactMap { $0["post_id"] as? String })
            }
            #expect(try await feed(alice) == [String(alicePost), String(bobPost)])
            #expect(try await feed(bob) == [String(alicePost), String(bobPost)])
            #expect(try await client.send(.post, "/api/v1/posts/\(carolPost)/comments", token: bob.token, json: #"{"text": "hi"}"#).status == .created)

            let blocked = try await client.send(.put, "/api/v1/users/\(bob.id)/block", token: alice.token)
            #expect(blocked.status == .ok)
            #expect(try blocked.object()["blocking"] as? Bool == true)
            #expect(try await client.send(.put, "/api/v1/users/\(bob.id)/block", token: alice.token).status == .ok)
            // Follows gone both ways, with the counts.
            let aliceProfile = try await client.send(.get, "/api/v1/users/\(alice.id)", token: carol.token).object()
            #expect(aliceProfile["follower_count"] as? Int == 0)
            #expect(aliceProfile["following_count"] as? Int == 0)
            // Neither sees the other's profile or posts, in the feed or anywhere; others still do.
            #expect(try await feed(alice) == [String(alicePost)])
            #expect(try await feed(bob) == [String(bobPost)])
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)", token: bob.token).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/users/\(bob.id)", token: alice.token).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)/posts", token: bob.token).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/posts/\(alicePost)", token: bob.token).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/posts/\(alicePost)", token: carol.token).status == .ok)
            // Bob's comment on Carol's post is hidden from Alice only.
            let forAlice = try await client.send(.get, "/api/v1/posts/\(carolPost)/comments", token: alice.token).object()
            #expect((forAlice["comments"] as? [Any])?.count == 0)
            let forCarol = try await client.send(.get, "/api/v1/posts/\(carolPost)/comments", token: carol.token).object()
            #expect((forCarol["comments"] as? [Any])?.count == 1)
            // Bob cannot follow, like or comment; nor can Alice act on Bob.
            let follow = try await client.send(.post, "/api/v1/users/\(alice.id)/follow", token: bob.token)
            #expect(follow.status == .forbidden)
            #expect(try follow.errorCode() == "blocked")
            #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: alice.token).status == .forbidden)
            #expect(try await client.send(.post, "/api/v1/posts/\(alicePost)/likes", token: bob.token).status == .forbidden)
            let comment = try await client.send(.post, "/api/v1/posts/\(alicePost)/comments", token: bob.token, json: #"{"text": "x"}"#)
            #expect(comment.status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/posts/\(alicePost)").object()["like_count"] as? Int == 0)
            // Listed, then lifted.
            let list = try await client.send(.get, "/api/v1/users/me/blocks", token: alice.token).object()
            let users = try #require(list["users"] as? [[String: Any]])
            #expect(users.map { $0["user_id"] as? String } == [String(bob.id)])
            #expect(try await client.send(.get, "/api/v1/users/me/blocks", token: bob.token).object()["users"] as? [Any] != nil)
            let unblocked = try await client.send(.delete, "/api/v1/users/\(bob.id)/block", token: alice.token)
            #expect(try unblocked.object()["blocking"] as? Bool == false)
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)", token: bob.token).status == .ok)
            #expect(try await client.send(.post, "/api/v1/posts/\(alicePost)/likes", token: bob.token).status == .created)
            #expect(try await client.send(.post, "/api/v1/users/\(alice.id)/follow", token: bob.token).status == .ok)
            #expect((try await client.send(.get, "/api/v1/users/me/blocks", token: alice.token).object()["users"] as? [Any])?.count == 0)
            #expect(try await client.send(.put, "/api/v1/users/\(alice.id)/block", token: alice.token).status == .forbidden)
            #expect(try await client.send(.put, "/api/v1/users/424242/block", token: alice.token).status == .notFound)
        }
    }

    @Test("a mute also hides a high-follower author's posts, which are merged at read time")
    func muteMerged() async throws {
        // Threshold 2: with two followers Bob's posts are pulled into feeds when they are read.
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let carol = try await client.user("carol")
            for reader in [alice, carol] {
                #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: reader.token).status == .ok)
            }
            let post = try await fixture.readyPost(userID: bob.id)
            func feed(_ user: TestUser) async throws -> [String] {
                let posts = try await client.send(.get, "/api/v1/feed", token: user.token).object()["posts"] as? [[String: Any]]
                return (posts ?? []).compactMap { $0["post_id"] as? String }
            }
            #expect(try await feed(alice) == [String(post)])
            #expect(try await client.send(.put, "/api/v1/users/\(bob.id)/mute", token: alice.token).status == .ok)
            #expect(try await feed(alice) == [])
            #expect(try await feed(carol) == [String(post)])
        }
    }

    @Test("a mute takes the muted user's posts out of the muter's feed only; unmute brings them back")
    func mutes() async throws {
        let fixture = try await HTTPFixture.make { $0.social.celebrityFollowerThreshold = 100 }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let carol = try await client.user("carol")
            for reader in [alice, carol] {
                #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: reader.token).status == .ok)
            }
            let first = try await fixture.readyPost(userID: bob.id)
            _ = try await fixture.api.feed.fanOut(postID: first)
            func feed(_ user: TestUser) async throws -> [String] {
                let posts = try await client.send(.get, "/api/v1/feed", token: user.token).object()["posts"] as? [[String: Any]]
                return (posts ?? []).compactMap { $0["post_id"] as? String }
            }
            #expect(try await feed(alice) == [String(first)])
            let muted = try await client.send(.put, "/api/v1/users/\(bob.id)/mute", token: alice.token)
            #expect(try muted.object()["muting"] as? Bool == true)
            let second = try await fixture.readyPost(userID: bob.id)
            _ = try await fixture.api.feed.fanOut(postID: second)
            #expect(try await feed(alice) == [])
            #expect(try await feed(carol) == [String(second), String(first)])
            // Nothing else changes: still following, profile and post visible, likes allowed.
            #expect(try await client.send(.get, "/api/v1/users/\(bob.id)").object()["follower_count"] as? Int == 2)
            #expect(try await client.send(.get, "/api/v1/posts/\(second)", token: alice.token).status == .ok)
            #expect(try await client.send(.post, "/api/v1/posts/\(second)/likes", token: alice.token).status == .created)
            let list = try await client.send(.get, "/api/v1/users/me/mutes", token: alice.token).object()
            #expect((list["users"] as? [[String: Any]])?.map { $0["username"] as? String } == ["bob"])
            #expect(try await client.send(.delete, "/api/v1/users/\(bob.id)/mute", token: alice.token).status == .ok)
            #expect(try await feed(alice) == [String(second), String(first)])
            #expect((try await client.send(.get, "/api/v1/users/me/mutes", token: alice.token).object()["users"] as? [Any])?.count == 0)
        }
    }
}
