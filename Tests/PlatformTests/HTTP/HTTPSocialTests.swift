import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP follows, likes, comments, profiles")
struct HTTPSocialTests {
    @Test("follow and unfollow keep both counts; 409 twice, 404 unknown, 403 oneself, unfollow idempotent")
    func follows() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let follow = try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: alice.token)
            #expect(follow.status == .ok)
            #expect(try follow.object()["following"] as? Bool == true)
            let again = try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: alice.token)
            #expect(again.status == .conflict)
            #expect(try again.errorCode() == "already_following")
            #expect(try await client.send(.post, "/api/v1/users/424242/follow", token: alice.token).status == .notFound)
            let oneself = try await client.send(.post, "/api/v1/users/\(alice.id)/follow", token: alice.token)
            #expect(oneself.status == .forbidden)
            #expect(try oneself.errorCode() == "cannot_follow_self")

            #expect(try await client.send(.get, "/api/v1/users/\(bob.id)").object()["follower_count"] as? Int == 1)
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)").object()["following_count"] as? Int == 1)

            let unfollow = try await client.send(.delete, "/api/v1/users/\(bob.id)/follow", token: alice.token)
            #expect(unfollow.status == .ok)
            #expect(try unfollow.object()["following"] as? Bool == false)
            // Not following any more: the same answer again, and the counts are not touched twice.
            let unfollowAgain = try await client.send(.delete, "/api/v1/users/\(bob.id)/follow", token: alice.token)
            #expect(unfollowAgain.status == .ok)
            #expect(try unfollowAgain.object()["following"] as? Bool == false)
            #expect(try await client.send(.delete, "/api/v1/users/424242/follow", token: alice.token).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/users/\(bob.id)").object()["follower_count"] as? Int == 0)
        }
    }

    @Test("like is 201 with the count, a second like 409, unlike 204 (twice too), unknown post 404")
    func likes() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let bob = try await client.user("bob")
            let postID = try await fixture.readyPost(userID: bob.id)
            let like = try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: alice.token)
            #expect(like.status == .created)
            #expect(try like.object()["like_count"] as? Int == 1)
            let twice = try await client.send(.post, "/api/v1/posts/\(postID)/likes", token: alice.token)
            #expect(twice.status == .conflict)
            #expect(try twice.errorCode() == "already_liked")
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").object()["like_count"] as? Int == 1)
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)/likes", token: alice.token).status == .noContent)
            #expect(try await client.send(.delete, "/api/v1/posts/\(postID)/likes", token: alice.token).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").object()["like_count"] as? Int == 0)
            #expect(try await client.send(.delete, "/api/v1/posts/777777/likes", token: alice.token).status == .notFound)
            #expect(try await client.send(.post, "/api/v1/posts/777777/likes", token: alice.token).status == .notFound)
        }
    }

    @Test("concurrent likes by many users keep like_count exact")
    func concurrentLikes() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let author = try await client.user("author")
            let postID = try await fixture.readyPost(userID: author.id)
            var tokens: [String] = []
            for index in 0..<12 {
                tokens.append(try await client.user("fan\(index)").token)
            }
            let statuses = try await withThrowingTaskGroup(of: [HTTPResponse.Status].self) { group in
                for token in tokens {
                    group.addTask {
                        // Each fan likes twice at once: exactly one of the two wins.
                        async let first = client.send(.post, "/api/v1/posts/\(postID)/likes", token: token)
                        async let second = client.send(.post, "/api/v1/posts/\(postID)/likes", token: token)
                        return [try await first.status, try await second.status]
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.filter { $0 == .created }.count == tokens.count)
            #expect(statuses.filter { $0 == .conflict }.count == tokens.count)
            let post = try await client.send(.get, "/api/v1/posts/\(postID)").object()
            #expect(post["like_count"] as? Int == tokens.count)
        }
        let likes = try await fixture.pool.query("SELECT count(*) AS n FROM likes")
        #expect(try likes[0]["n", as: Int64.self] == 12)
    }

    @Test("comments: 400 empty, 201, newest-first cursor pages, 404 unknown post")
    func comments() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let postID = try await fixture.readyPost(userID: alice.id)
            let empty = try await client.send(.post, "/api/v1/posts/\(postID)/comments", token: alice.token, json: #"{"text": "   "}"#)
            #expect(empty.status == .badRequest)
            #expect(try empty.errorCode() == "empty_comment")
            for index in 0..<5 {
                let created = try await client.send(
                    .post, "/api/v1/posts/\(postID)/comments", token: alice.token, json: #"{"text": "comment \#(index)"}"#)
                #expect(created.status == .created)
                #expect(try created.object()["text"] as? String == "comment \(index)")
            }
            var texts: [String] = []
            var cursor = ""
            var pages = 0
            repeat {
                let page = try await client.send(.get, "/api/v1/posts/\(postID)/comments?limit=2&cursor=\(cursor)")
                #expect(page.status == .ok)
                let object = try page.object()
                texts += (object["comments"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
                cursor = object["next_cursor"] as? String ?? ""
                pages += 1
            } while !cursor.isEmpty && pages < 10
            #expect(texts == (0..<5).reversed().map { "comment \($0)" })
            #expect(pages == 3)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)").object()["comment_count"] as? Int == 5)
            #expect(try await client.send(.get, "/api/v1/posts/999999/comments").status == .notFound)
            #expect(
                try await client.send(.post, "/api/v1/posts/999999/comments", token: alice.token, json: #"{"text": "hi"}"#)
                    .status == .notFound)
            #expect(try await client.send(.get, "/api/v1/posts/\(postID)/comments?cursor=garbage!").status == .badRequest)
        }
    }

    @Test("profile posts: newest first, cursor-paginated, with the user")
    func profilePosts() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            var created: [Int64] = []
            for index in 0..<5 {
                created.append(try await fixture.readyPost(userID: alice.id, caption: "p\(index)", ready: index % 2 == 0))
            }
            var seen: [String] = []
            var cursor = ""
            repeat {
                let page = try await client.send(.get, "/api/v1/users/\(alice.id)/posts?limit=2&cursor=\(cursor)")
                #expect(page.status == .ok)
                let object = try page.object()
                #expect((object["user"] as? [String: Any])?["post_count"] as? Int == 5)
                seen += (object["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
                cursor = object["next_cursor"] as? String ?? ""
            } while !cursor.isEmpty && seen.count < 10
            #expect(seen == created.reversed().map(String.init))
            #expect(try await client.send(.get, "/api/v1/users/999999/posts").status == .notFound)
        }
    }
}
