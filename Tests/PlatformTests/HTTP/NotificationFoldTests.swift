import Foundation
import Logging
import Testing

@testable import Platform

/// The folders and the retention, called directly (`runOnce`), against a real PostgreSQL.
@Suite("Notification and like folding")
struct NotificationFoldTests {
    @Test("concurrent likes and unlikes of one post: after a fold like_count equals the likes rows")
    func likeFold() async throws {
        let fixture = try await HTTPFixture.make()
        let author = try await fixture.api.users.register(username: "author", password: "password123")
        let authorID = try #require(Int64(author.userID))
        let postID = try await fixture.readyPost(userID: authorID)
        var likers: [Int64] = []
        for index in 0..<40 {
            let user = try await fixture.api.users.register(username: "liker\(index)", password: "password123")
            likers.append(try #require(Int64(user.userID)))
        }
        let likes = fixture.api.likes
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, liker) in likers.enumerated() {
                group.addTask {
                    _ = try await likes.like(userID: liker, postID: postID)
                    if index % 4 == 0 { try await likes.unlike(userID: liker, postID: postID) }
                }
            }
            try await group.waitForAll()
        }
        let folder = LikeDeltaFolder(pool: fixture.pool, batch: 7, logger: .init(label: "test"))
        let outcome = try await folder.runOnce()
        #expect(outcome.ran)
        #expect(outcome.deltas == 40 + 10)
        let rows = try await fixture.pool.query(
            """
            SELECT p.like_count, (SELECT count(*) FROM likes l WHERE l.post_id = p.id)::int8 AS likes,
                   (SELECT count(*) FROM like_deltas)::int8 AS pending
            FROM posts p WHERE p.id = $1
            """, [postID])
        #expect(try rows[0]["like_count", as: Int64.self] == 30)
        #expect(try rows[0]["likes", as: Int64.self] == 30)
        #expect(try rows[0]["pending", as: Int64.self] == 0)
        #expect(try await fixture.api.posts.get(postID: postID).likeCount == 30)
        // The pass vacuumed like_deltas: none of the 50 folded rows is left dead for the next
        // like's sum to read (nothing else runs in this database, so none is still visible).
        try await fixture.pool.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        let stats = try await fixture.pool.query("SELECT dead_tuple_count FROM pgstattuple('like_deltas')")
        #expect(try stats[0]["dead_tuple_count", as: Int64.self] == 0)
        // All 50 events fold in one pass (runs of likes, each unlike on its own, in order):
        // one notification with the 30 who still like the post.
        #expect(try await fixture.api.hub.folder.runOnce() >= 50)
        let page = try await fixture.api.notifications.page(userID: authorID, page: PageRequest())
        let likeNotes = page.notifications.filter { $0.kind == "like" }
        #expect(likeNotes.count == 1)
        #expect(likeNotes.first?.actorCount == 30)
        #expect(likeNotes.first?.actors.count == 3)

        // While another daemon holds the fold lock, a pass skips and folds nothing.
        _ = try await likes.like(userID: likers[0], postID: postID)
        let holder = try DatabasePool(url: fixture.pool.configuration.url, size: 1, logger: .init(label: "holder"))
        // A session lock on the same key stands for another daemon's fold in progress.
        let key = "hashtextextended('like_deltas', 16)"
        let held = try await holder.query("SELECT pg_try_advisory_lock(\(key)) AS l")[0]["l", as: Bool.self]
        #expect(held)
        let skipped = try await folder.runOnce()
        #expect(!skipped.ran && skipped.deltas == 0)
        try await holder.query("SELECT pg_advisory_unlock(\(key))")
        #expect(try await folder.runOnce().deltas == 1)
        #expect(try await fixture.api.posts.get(postID: postID).likeCount == 31)
        await holder.close()
    }

    @Test("inline counting (--inline-like-counts) updates the post row in the like's transaction, no deltas")
    func inlineCounts() async throws {
        let fixture = try await HTTPFixture.make()
        let ann = try #require(Int64(try await fixture.api.users.register(username: "ann", password: "password123").userID))
        let ben = try #require(Int64(try await fixture.api.users.register(username: "ben", password: "password123").userID))
        let postID = try await fixture.readyPost(userID: ann)
        let inline = LikeService(pool: fixture.pool, foldsCounts: false)
        #expect(try await inline.like(userID: ben, postID: postID).likeCount == 1)
        await #expect(throws: SocialError(.conflict, "already_liked", "you already like this post")) {
            try await inline.like(userID: ben, postID: postID)
        }
        let rows = try await fixture.pool.query(
            "SELECT like_count, (SELECT count(*) FROM like_deltas)::int8 AS pending FROM posts WHERE id = $1", [postID])
        #expect(try rows[0]["like_count", as: Int64.self] == 1)
        #expect(try rows[0]["pending", as: Int64.self] == 0)
        try await inline.unlike(userID: ben, postID: postID)
        #expect(try await fixture.api.posts.get(postID: postID).likeCount == 0)
        await #expect(throws: SocialError.notFound("post")) { try await inline.like(userID: ben, postID: postID + 99) }
    }

    @Test("comments and mentions notify; deleting the comment retracts both; only its or the post's author may")
    func commentDeletion() async throws {
        let fixture = try await HTTPFixture.make()
        let api = fixture.api
        var ids: [String: Int64] = [:]
        for name in ["ann", "ben", "cyd", "dee"] {
            ids[name] = try #require(Int64(try await api.users.register(username: name, password: "password123").userID))
        }
        let (ann, ben, cyd, dee) = (ids["ann"] ?? 0, ids["ben"] ?? 0, ids["cyd"] ?? 0, ids["dee"] ?? 0)
        let postID = try await fixture.readyPost(userID: ann)
        let comment = try await api.comments.add(userID: ben, postID: postID, text: "nice, @CYD and @nobody_here and @ann")
        _ = try await api.hub.folder.runOnce()
        func kinds(_ user: Int64) async throws -> [String: Int] {
            let page = try await api.notifications.page(userID: user, page: PageRequest())
            return Dictionary(page.notifications.map { ($0.kind, $0.actorCount) }, uniquingKeysWith: { $1 })
        }
        #expect(try await kinds(ann)["comment"] == 1)
        #expect(try await kinds(ann)["mention"] == 1)
        #expect(try await kinds(cyd) == ["mention": 1])
        let commentID = try #require(Int64(comment.commentID))
        await #expect(throws: SocialError(.forbidden, "forbidden", "only the comment's or the post's author can delete it")) {
            try await api.comments.delete(userID: dee, postID: postID, commentID: commentID)
        }
        await #expect(throws: SocialError.notFound("comment")) {
            try await api.comments.delete(userID: ben, postID: postID + 1000, commentID: commentID)
        }
        try await api.comments.delete(userID: ann, postID: postID, commentID: commentID)
        _ = try await api.hub.folder.runOnce()
        #expect(try await kinds(ann)["comment"] == nil)
        #expect(try await kinds(cyd).isEmpty)
        #expect(try await api.posts.get(postID: postID).commentCount == 0)
        #expect(try await api.notifications.unreadCount(userID: cyd).unreadCount == 0)
    }

    @Test("retention deletes read notifications past the age and expired tickets, and keeps unread ones")
    func retention() async throws {
        let fixture = try await HTTPFixture.make()
        let api = fixture.api
        let ann = try #require(Int64(try await api.users.register(username: "ann", password: "password123").userID))
        let ben = try #require(Int64(try await api.users.register(username: "ben", password: "password123").userID))
        let cyd = try #require(Int64(try await api.users.register(username: "cyd", password: "password123").userID))
        _ = try await api.follows.follow(follower: ben, followee: ann)
        _ = try await api.follows.follow(follower: ann, followee: cyd)
        _ = try await api.hub.folder.runOnce()
        _ = try await api.notifications.markRead(userID: ann, upTo: nil)
        _ = try await api.notifications.newTicket(userID: ann)
        let retention = NotificationRetention(pool: fixture.pool, retention: .seconds(86_400))
        #expect(try await retention.runOnce() == .init(notifications: 0, tickets: 0))
        let later = try await retention.runOnce(now: Date().addingTimeInterval(2 * 86_400))
        #expect(later == .init(notifications: 1, tickets: 1))
        #expect(try await api.notifications.unreadCount(userID: cyd).unreadCount == 1)
        #expect(try await api.notifications.page(userID: ann, page: PageRequest()).notifications.isEmpty)
    }

    @Test("a post's media becoming ready notifies its author once, with the 150 rendition; failing notifies too")
    func mediaFinished() async throws {
        let fixture = try await HTTPFixture.make()
        let api = fixture.api
        let ann = try #require(Int64(try await api.users.register(username: "ann", password: "password123").userID))
        let ready = try await fixture.readyPost(userID: ann)
        // Processed again (a reprocess): the media is no longer processing, so nobody is told twice.
        let mediaID = try await fixture.pool.query("SELECT media_id FROM posts WHERE id = $1", [ready])[0]["media_id", as: Int64.self]
        try await fixture.pool.transaction { try NotificationEvents.mediaFinished(mediaID: mediaID, ready: true, on: $0) }
        let failing = try await fixture.readyPost(userID: ann, ready: false)
        let failingMedia = try await fixture.pool.query("SELECT media_id FROM posts WHERE id = $1", [failing])[0]["media_id", as: Int64.self]
        try await fixture.pool.transaction { try MediaCompletion.markFailed(mediaID: failingMedia, code: "corrupt", message: "x", on: $0) }
        _ = try await api.hub.folder.runOnce()
        let page = try await api.notifications.page(userID: ann, page: PageRequest())
        let byPost = Dictionary(grouping: page.notifications, by: { $0.postID ?? "" })
        #expect(byPost[String(ready)]?.map(\.kind) == ["post_ready"])
        #expect(byPost[String(ready)]?.first?.text == "Your post is ready")
        #expect(byPost[String(ready)]?.first?.imageURL?.hasSuffix("150.jpg") == true)
        #expect(byPost[String(failing)]?.map(\.kind) == ["post_failed"])
    }

    @Test("mentions: @names of 3 to 30 name characters, once each, not inside words or addresses")
    func mentions() {
        #expect(Mentions.usernames(in: "hi @Ada, @bob_1 and @ada again") == ["ada", "bob_1"])
        #expect(Mentions.usernames(in: "mail me at x@example.com or @al") == [])
        #expect(Mentions.usernames(in: "@" + String(repeating: "a", count: 31)) == [])
        #expect(Mentions.usernames(in: "@@cat") == ["cat"])
        #expect(Mentions.usernames(in: (0..<30).map { "@user\($0)" }.joined(separator: " ")).count == Mentions.maximum)
    }

    @Test("text: one actor, two, many; nothing when retracted")
    func text() {
        #expect(NotificationView.text(kind: "like", names: ["ada"], count: 1) == "ada liked your post")
        #expect(NotificationView.text(kind: "comment", names: ["ada", "bob"], count: 2) == "ada and bob commented on your post")
        #expect(NotificationView.text(kind: "like", names: ["ada", "bob", "cat"], count: 6) == "ada and 5 others liked your post")
        #expect(NotificationView.text(kind: "follow", names: [], count: 0) == "")
    }
}
