import Foundation
import Testing

@testable import Platform

/// `SessionFeedPage` repeats `SessionUser` and `FeedPage` in one statement: for a live token it
/// must answer exactly the page `FeedPage` answers for the token's user, and nothing for a token
/// `SessionUser` refuses; prepared once per connection, it must keep one generic plan on the
/// same indexes as `FeedPage`.
@Suite("Feed: session and page in one statement")
struct FeedSessionPageTests {
    static let maximumAge = 86_400.0
    static let idleAge = 3_600.0
    static let threshold: Int64 = 100

    /// 600 users each following 30 others, 20 ready posts each, timelines of the newest 8 rounds;
    /// users 1 and 2 have the threshold's followers (their posts are merged at read time), user
    /// 300 mutes user 2, two posts are deleted, one has unfolded likes, user 7's timeline was
    /// never built; a session `token-<id>` for every user.
    static func seed(_ pool: DatabasePool) async throws {
        try await pool.execute(
            """
            INSERT INTO users (id, username, password_hash, follower_count, following_count, post_count)
            SELECT i, 'user' || i, 'x', CASE WHEN i <= 2 THEN 100 ELSE 30 END, 30, 20
            FROM generate_series(1, 600) i;
            INSERT INTO follows (follower_id, followee_id)
            SELECT i, (i - 1 + 37 * k) % 600 + 1 FROM generate_series(1, 600) i, generate_series(1, 30) k
            UNION SELECT i, 1 FROM generate_series(3, 600) i UNION SELECT i, 2 FROM generate_series(3, 600) i;
            INSERT INTO media (id, sha256, kind, status, original_key, bytes, manifest)
            SELECT i, md5(i::text) || md5(i::text), 'photo', 'ready', 'originals/x/' || i, 1, '{}'
            FROM generate_series(1, 100) i;
            INSERT INTO posts (id, user_id, media_id, caption, created_at)
            SELECT n, (n - 1) % 600 + 1, (n - 1) % 100 + 1, 'post ' || n, timestamptz '2026-01-01' + n * interval '1 second'
            FROM generate_series(1, 12000) n;
            INSERT INTO timelines (user_id, post_id, author_id, created_at)
            SELECT reader, author + 600 * j, author, timestamptz '2026-01-01' + (author + 600 * j) * interval '1 second'
            FROM (SELECT follower_id AS reader, followee_id AS author FROM follows WHERE followee_id > 2
                  UNION SELECT i, i FROM generate_series(1, 600) i) r, generate_series(12, 19) j;
            INSERT INTO timeline_state (user_id) SELECT i FROM generate_series(1, 600) i WHERE i <> 7;
            INSERT INTO mutes (muter_id, muted_id) VALUES (300, 2);
            UPDATE posts SET deleted = true WHERE id IN (11999, 11700);
            INSERT INTO like_deltas (post_id, delta) VALUES (11998, 1), (11998, 1), (11998, 1), (11998, -1);
            INSERT INTO sessions (token_hash, user_id)
            SELECT encode(sha256(convert_to('token-' || i, 'UTF8')), 'hex'), i FROM generate_series(1, 600) i;
            ANALYZE users, follows, media, posts, timelines, timeline_state, sessions;
            """)
    }

    static func hash(_ token: String) throws -> String {
        try ReferenceSHA256.hex(Array(token.utf8))
    }

    /// The cells of each row, from column `from` on, as text.
    static func cells(_ rows: QueryResult, from: Int) -> [[String?]] {
        rows.map { row in (from..<row.columns.count).map { row.text(at: $0) } }
    }

    @Test func answersFeedPagesPageForTheTokensUserAndNothingForADeadToken() async throws {
        let fixture = try await QueueFixture.make()
        try await Self.seed(fixture.pool)
        let feed = try SocialQuery.feedPage.text
        let combined = try SocialQuery.sessionFeedPage.text
        let first: (Int64, Int64) = (253_402_300_800_000_000, Int64.max)
        // A position in the middle of the newest posts: 2026-01-01 + 11900 s.
        let middle: (Int64, Int64) = ((1_767_225_600 + 11_900) * 1_000_000, 11_900)
        // Just after the merged authors' newest posts (11401 and 11402).
        let merged: (Int64, Int64) = ((1_767_225_600 + 11_410) * 1_000_000, 11_410)
        try await fixture.pool.withConnection { connection in
            for reader: Int64 in [300, 3, 450, 600, 7] {
                for (micros, id) in [first, middle, merged] {
                    let parameters: [(any PostgresEncodable)?] = [micros, id, Int64(21), Self.threshold]
                    let expected = try connection.query(feed, [reader] + parameters)
                    let rows = try connection.queryPrepared(
                        combined, [try Self.hash("token-\(reader)"), Self.maximumAge, Self.idleAge, nil] + parameters)
                    #expect(rows.columns.first?.name == "reader_id")
                    #expect(rows.map { $0.text(at: 0) } == Array(repeating: String(reader), count: rows.count))
                    #expect(Array(rows.columns.dropFirst()) == expected.columns)
                    #expect(Self.cells(rows, from: 1) == Self.cells(expected, from: 0), "reader \(reader) at \(id)")
                }
            }
            // The pages were not all alike: full ones, the merged authors, the never built one.
            #expect(try connection.query(feed, [Int64(450), first.0, first.1, Int64(21), Self.threshold]).count == 21)
            let page = try connection.query(feed, [Int64(450), merged.0, merged.1, Int64(21), Self.threshold])
            #expect(try page.contains { try $0["user_id", as: Int64?.self] == 2 })
            let muting = try connection.query(feed, [Int64(300), merged.0, merged.1, Int64(21), Self.threshold])
            #expect(try muting.contains { try $0["user_id", as: Int64?.self] == 1 })
            #expect(try !muting.contains { try $0["user_id", as: Int64?.self] == 2 })
            #expect(try connection.query(feed, [Int64(7), first.0, first.1, Int64(21), Self.threshold])[0]["built", as: Bool.self] == false)

            // Unknown, revoked, too old, idle too long: no row.
            try connection.query("UPDATE sessions SET revoked_at = now() WHERE user_id = 10")
            try connection.query("UPDATE sessions SET created_at = now() - interval '2 days' WHERE user_id = 11")
            try connection.query("UPDATE sessions SET last_used_at = now() - interval '2 hours' WHERE user_id = 12")
            for token in ["token-0", "token-10", "token-11", "token-12"] {
                let rows = try connection.queryPrepared(
                    combined, [try Self.hash(token), Self.maximumAge, Self.idleAge, nil, first.0, first.1, Int64(21), Self.threshold])
                #expect(rows.isEmpty, "\(token)")
            }

            // A last use more than a minute old moves to now; a recent one stays.
            try connection.query("UPDATE sessions SET last_used_at = now() - interval '10 minutes' WHERE user_id IN (20, 21)")
            try connection.query("UPDATE sessions SET last_used_at = now() - interval '30 seconds' WHERE user_id = 21")
            // The server's clock before the statements: a moved last use is at or after it.
            try connection.query("CREATE TEMP TABLE mark AS SELECT clock_timestamp() AS t")
            for user in [20, 21] {
                _ = try connection.queryPrepared(
                    combined, [try Self.hash("token-\(user)"), Self.maximumAge, Self.idleAge, nil, first.0, first.1, Int64(21), Self.threshold])
            }
            let moved = try connection.query(
                "SELECT user_id, last_used_at >= (SELECT t FROM mark) AS moved FROM sessions WHERE user_id IN (20, 21) ORDER BY user_id")
            #expect(try moved[0]["moved", as: Bool.self])
            #expect(try !moved[1]["moved", as: Bool.self])
        }
        await fixture.close()
    }

    @Test func thePreparedStatementKeepsAGenericPlanOnTheIndexes() async throws {
        let fixture = try await QueueFixture.make()
        try await Self.seed(fixture.pool)
        let sql = try SocialQuery.sessionFeedPage.text
        let hash = try Self.hash("token-300")
        let plan = try await fixture.pool.withConnection { connection in
            // As `queryPrepared` prepares it, and the generic plan if PostgreSQL keeps it after
            // the custom ones.
            try connection.preparedPlan(
                sql, types: ["text", "float8", "float8", "timestamptz", "int8", "int8", "int8", "int8"],
                arguments: "('\(hash)', 86400, 3600, NULL, 253402300800000000, 9223372036854775807, 21, 100)", warmUp: 6)
        }
        // A custom plan shows the values; the generic one the parameters.
        #expect(plan.contains("token_hash = $1"), "\(plan)")
        #expect(plan.contains("follower_count >= $8"), "\(plan)")
        #expect(plan.contains("timelines_read"), "\(plan)")
        #expect(plan.contains("users_follower_count"), "\(plan)")
        for table in ["timelines", "posts", "follows", "users", "sessions"] {
            #expect(!plan.contains("Seq Scan on \(table)"), "\(plan)")
        }
        await fixture.close()
    }
}
