import Foundation
import Testing

@testable import Platform

/// The operator page's moderation queries stay bounded index walks however many reports pile
/// up: the planner's choice is checked (as `QueueOverviewPlanTests` does for the queue's), and
/// the answers against what the seed fixes.
@Suite("Moderation: the operator page's plans with many reports")
struct ModerationPlanTests {
    /// 20k users, 100k posts (300 hidden pending review, 200 hidden by an operator), and 80k
    /// reports, interleaved: 60k of posts (posts 1–30000, two reporters each) and 20k of users
    /// (users 1–10000, two reporters each).
    private static func seed(_ fixture: QueueFixture) async throws {
        try await fixture.pool.execute(
            """
            INSERT INTO users (id, username, password_hash) SELECT i, 'user' || i, 'x' FROM generate_series(1, 20000) i;
            INSERT INTO media (id, sha256, kind, status, original_key, bytes, manifest)
            SELECT i, md5(i::text) || md5(i::text), 'photo', 'ready', 'originals/x/' || i, 1, '{}'
            FROM generate_series(1, 1000) i;
            INSERT INTO posts (id, user_id, media_id, caption, hidden, hidden_by, moderated_at)
            SELECT n, (n - 1) % 20000 + 1, (n - 1) % 1000 + 1, '', n > 99500,
                   CASE WHEN n > 99800 THEN 'operator' WHEN n > 99500 THEN 'reports' END,
                   CASE WHEN n > 99800 THEN now() END
            FROM generate_series(1, 100000) n;
            INSERT INTO reports (id, reporter_id, target_kind, target_id, reason)
            SELECT i, CASE WHEN i % 4 = 0 THEN (i / 4 - 1) / 10000 + 100 ELSE (i - i / 4 - 1) / 30000 + 1 END,
                   CASE WHEN i % 4 = 0 THEN 'user' ELSE 'post' END,
                   CASE WHEN i % 4 = 0 THEN (i / 4 - 1) % 10000 + 1 ELSE (i - i / 4 - 1) % 30000 + 1 END,
                   CASE WHEN i % 3 = 0 THEN 'hate' ELSE 'spam' END
            FROM generate_series(1, 80000) i;
            ANALYZE users, media, posts, reports;
            """)
    }

    private static func plan(_ fixture: QueueFixture, _ query: SocialQuery, _ arguments: String) async throws -> String {
        let sql = try query.text
        return try await fixture.pool.withConnection { try $0.preparedPlan(sql, arguments: arguments) }
    }

    @Test func thePagesQueriesWalkIndexesAndAnswerWhatWasSeeded() async throws {
        let fixture = try await QueueFixture.make()
        try await Self.seed(fixture)
        let checks: [(SocialQuery, String, String)] = [
            (.moderationQueue, "(false, 50)", "posts_pending_review"),
            (.recentlyReportedPosts, "(50)", "reports_pkey"),
            (.recentlyReportedUsers, "(50)", "reports_pkey"),
        ]
        for (query, arguments, index) in checks {
            let plan = try await Self.plan(fixture, query, arguments)
            for table in ["posts", "reports", "users"] {
                #expect(!plan.contains("Seq Scan on \(table)"), "\(query)\(arguments):\n\(plan)")
            }
            #expect(plan.contains(index), "\(query)\(arguments):\n\(plan)")
        }

        let moderation = ModerationService(pool: fixture.pool)
        #expect(try await moderation.hiddenPosts().count == 300)
        #expect(try await moderation.hiddenPosts(all: true).count == 500)
        let pending = try await moderation.hiddenPosts(limit: 50)
        #expect(pending.count == 50)
        #expect(pending.first?.postID == 99800)
        // The newest post report (id 79999, the 60000th) is of post 30000, by its second reporter.
        let posts = try await moderation.recentlyReportedPosts(limit: 50)
        #expect(posts.count == 50)
        #expect(posts.first?.post.postID == 30000)
        #expect(posts.allSatisfy { $0.post.reportCount == 2 && !$0.hidden })
        // Report 80000 is of user 10000.
        let users = try await moderation.recentlyReportedUsers(limit: 50)
        #expect(users.count == 50)
        #expect(users.first?.userID == 10000)
        #expect(users.first?.reportCount == 2)
        await fixture.close()
    }
}
