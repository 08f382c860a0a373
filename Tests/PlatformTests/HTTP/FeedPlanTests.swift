import Foundation
import Testing

@testable import Platform

/// The feed page is prepared once per connection; PostgreSQL must settle on one generic plan
/// for it (otherwise it plans every call, which costs more than the run) that still walks the
/// timeline index and finds followed celebrities through the follower-count index. The
/// planner's choice is checked, not a time.
@Suite("Feed: page plan")
struct FeedPlanTests {
    @Test func thePreparedPageKeepsAGenericPlanOnTheIndexes() async throws {
        let fixture = try await QueueFixture.make()
        // 600 users each following 30 others, 20 ready posts each, timelines of the newest 8
        // rounds (as the fan-out builds them), then fresh statistics.
        try await fixture.pool.execute(
            """
            INSERT INTO users (id, username, password_hash, follower_count, following_count, post_count)
            SELECT i, 'user' || i, 'x', 30, 30, 20 FROM generate_series(1, 600) i;
            INSERT INTO follows (follower_id, followee_id)
            SELECT i, (i - 1 + 37 * k) % 600 + 1 FROM generate_series(1, 600) i, generate_series(1, 30) k;
            INSERT INTO media (id, sha256, kind, status, original_key, bytes, manifest)
            SELECT i, md5(i::text) || md5(i::text), 'photo', 'ready', 'originals/x/' || i, 1, '{}'
            FROM generate_series(1, 100) i;
            INSERT INTO posts (id, user_id, media_id, caption, created_at)
            SELECT n, (n - 1) % 600 + 1, (n - 1) % 100 + 1, '', timestamptz '2026-01-01' + n * interval '1 second'
            FROM generate_series(1, 12000) n;
            INSERT INTO timelines (user_id, post_id, author_id, created_at)
            SELECT reader, author + 600 * j, author, timestamptz '2026-01-01' + (author + 600 * j) * interval '1 second'
            FROM (SELECT follower_id AS reader, followee_id AS author FROM follows
                  UNION ALL SELECT i, i FROM generate_series(1, 600) i) r, generate_series(12, 19) j;
            INSERT INTO timeline_state (user_id) SELECT i FROM generate_series(1, 600) i;
            ANALYZE users, follows, media, posts, timelines, timeline_state;
            """)
        let sql = try SocialQuery.feedPage.text
        let plan = try await fixture.pool.withConnection { connection in
            // As `queryPrepared` prepares it: five bigint parameters, and the generic plan if
            // PostgreSQL keeps it after the custom ones.
            try connection.preparedPlan(
                sql, types: Array(repeating: "int8", count: 5),
                arguments: "(300, 253402300800000000, 9223372036854775807, 21, 10000)", warmUp: 6)
        }
        // A custom plan shows the values (`user_id = '300'::bigint`); the generic one the parameters.
        #expect(plan.contains("user_id = $1"), "\(plan)")
        #expect(plan.contains("follower_count >= $5"), "\(plan)")
        #expect(plan.contains("timelines_read"), "\(plan)")
        #expect(plan.contains("users_follower_count"), "\(plan)")
        for table in ["timelines", "posts", "follows", "users"] {
            #expect(!plan.contains("Seq Scan on \(table)"), "\(plan)")
        }
        // The page itself: reader 300's 21 newest timeline posts.
        let page = try await FeedService(pool: fixture.pool).page(userID: 300, page: PageRequest(limit: 20))
        #expect(page.posts.count == 20)
        #expect(page.nextCursor != nil)
        await fixture.close()
    }
}
