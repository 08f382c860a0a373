import Foundation
import Logging
import Prometheus
import Testing

@testable import Platform

/// Likes' group commit (`LikeBatcher`), against a real PostgreSQL. A second connection holds
/// the post row `FOR UPDATE`, which the likes' foreign key check waits for, so the first group
/// stays in flight while later requests queue; which requests share a group is then known, not
/// left to timing.
@Suite("Likes: group commit")
struct LikeGroupCommitTests {
    @Test("requests queued behind the group being written go as one group; a failing group is retried one by one")
    func groupsAndRetries() async throws {
        #expect(LikeBatcher.maxInFlight == 1, "the rounds below hold one group in flight")
        let fixture = try await HTTPFixture.make()
        let author = try #require(Int64(try await fixture.api.users.register(username: "author", password: "password123").userID))
        let postID = try await fixture.readyPost(userID: author)
        var likers: [Int64] = []
        for index in 0..<8 {
            let user = try await fixture.api.users.register(username: "liker\(index)", password: "password123")
            likers.append(try #require(Int64(user.userID)))
        }
        let likes = fixture.api.likes
        let missingUser: Int64 = 9_000_000  // no such user: its likes row fails the foreign key

        // Round 1: one group held in flight, then four real likes and one that must fail.
        let before = likes.batcher.counts
        let failing = try await heldRound(fixture, postID: postID, first: likers[0], queued: Array(likers[1..<5]) + [missingUser])
        #expect(failing.counts.groups - before.groups == 2)
        #expect(failing.counts.retried - before.retried == 1)
        #expect(failing.results[missingUser] == nil, "a like by an unknown user cannot succeed")
        #expect(failing.results[likers[0]] == 1)
        // Retried one by one, each queued like committed alone after the held one.
        let retriedCounts = Set(likers[1..<5].compactMap { failing.results[$0] })
        #expect(retriedCounts == [2, 3, 4, 5])

        // Round 2: the queued likes share one commit and both report the count after it.
        let grouped = try await heldRound(fixture, postID: postID, first: likers[5], queued: [likers[6], likers[7]])
        #expect(grouped.counts.groups - failing.counts.groups == 2)
        #expect(grouped.counts.retried == failing.counts.retried)
        #expect(grouped.results[likers[5]] == 6)
        #expect(grouped.results[likers[6]] == 8 && grouped.results[likers[7]] == 8)

        // A like again is refused; an unlike and a like of other pairs both apply.
        await #expect(throws: SocialError.self) { _ = try await likes.like(userID: likers[0], postID: postID) }
        async let unliked: Void = likes.unlike(userID: likers[0], postID: postID)
        async let liked = likes.like(userID: author, postID: postID)
        _ = try await (unliked, liked)
        let rows = try await fixture.pool.query(
            """
            SELECT p.like_count + coalesce((SELECT sum(delta) FROM like_deltas d WHERE d.post_id = p.id), 0)::int8 AS count,
                   (SELECT count(*) FROM likes l WHERE l.post_id = p.id)::int8 AS rows
            FROM posts p WHERE p.id = $1
            """, [postID])
        #expect(try rows[0]["rows", as: Int64.self] == 8)
        #expect(try rows[0]["count", as: Int64.self] == 8)
        // The events committed with the likes: one notification of the 7 who still like the
        // post (liking your own post notifies nobody; the unlike retracted likers[0]).
        _ = try await fixture.api.hub.folder.runOnce()
        let page = try await fixture.api.notifications.page(userID: author, page: PageRequest())
        let likeNotes = page.notifications.filter { $0.kind == "like" }
        #expect(likeNotes.count == 1)
        #expect(likeNotes.first?.actorCount == 7)

        // /metrics counts what the batcher wrote: round 1's 2 groups (the held one, then the 5
        // queued), round 2's 2 (1, then 2), the refused like, and the unlike and the like (2
        // groups, or 1 when both arrive before the refused like's group has given up its slot:
        // its request is answered just before); one retry; 6 + 3 + 1 + 2 = 12 requests in the
        // groups (retried requests are not counted again).
        let metrics = try #require(PrometheusText(fixture.api.metrics.registry.emitToString()))
        let written = likes.batcher.counts.groups
        #expect(written == 6 || written == 7)
        #expect(metrics.types["mediadaemon_like_groups_total"] == "counter")
        #expect(metrics.value("mediadaemon_like_groups_total") == Double(written))
        #expect(metrics.value("mediadaemon_like_group_requests_total") == 12)
        #expect(metrics.value("mediadaemon_like_group_retries_total") == 1)
    }

    private struct Round {
        var results: [Int64: Int64] = [:]
        var counts: LikeBatcher.Counts
    }

    /// Likes `postID` by `first` while the post row is locked (one group in flight, waiting),
    /// queues `queued` behind it, then releases the row. Returns each liker's reported count
    /// (absent when the like failed) and the batcher's counts afterwards.
    private func heldRound(_ fixture: HTTPFixture, postID: Int64, first: Int64, queued: [Int64]) async throws -> Round {
        let likes = fixture.api.likes
        // A connection of its own: a pool's connection rolls back what is left open between calls.
        let holder = try DatabaseConnection(url: fixture.pool.configuration.url, logger: .init(label: "holder"))
        try holder.execute("BEGIN")
        try holder.query("SELECT id FROM posts WHERE id = $1 FOR UPDATE", [postID])
        let results = try await withThrowingTaskGroup(of: (Int64, Int64?).self) { group in
            func like(_ user: Int64) {
                group.addTask {
                    do { return (user, try await likes.like(userID: user, postID: postID).likeCount) } catch { return (user, nil) }
                }
            }
            like(first)
            try await awaitCondition("the first group waits for the post row") {
                let rows = try await fixture.pool.query(
                    """
                    SELECT count(*)::int8 AS n FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE 'WITH req AS%'
                    """)
                return try rows[0]["n", as: Int64.self] == 1
            }
            for user in queued { like(user) }
            try await awaitCondition("the later likes queue") { likes.batcher.waitingCount == queued.count }
            try holder.execute("COMMIT")
            var results: [Int64: Int64] = [:]
            for try await (user, count) in group { if let count { results[user] = count } }
            return results
        }
        return Round(results: results, counts: likes.batcher.counts)
    }
}
