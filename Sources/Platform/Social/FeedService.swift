import Hummingbird

/// The home feed: a materialised timeline per reader, filled by `fanOut(postID:)`, merged on
/// read with the recent posts of followed authors above the celebrity threshold (who are
/// never fanned out), rebuilt on read when missing.
///
/// Rendered pages are kept for `feedCacheTTL` per reader, cursor and limit: writes through
/// this process call `invalidate(reader:)` (or `invalidateAll()`) so that the writer's next
/// read is fresh; fan-out drops the pages of the readers it wrote.
public struct FeedService: Sendable {
    let pool: DatabasePool
    let configuration: SocialConfiguration
    /// Rendered pages by reader, cursor and limit; a reader's pages form one group.
    let pages: ExpiringCache<FeedPageKey, Int64, ByteBuffer>

    /// A service on `pool`.
    public init(pool: DatabasePool, configuration: SocialConfiguration = SocialConfiguration()) {
        self.pool = pool
        self.configuration = configuration
        pages = ExpiringCache(timeToLive: configuration.feedCacheTTL, capacity: configuration.feedCacheCapacity)
    }

    /// Drops the reader's cached pages (and any being read), after a write that changes what
    /// the reader sees: a follow, an unfollow, a post, a like or a comment of theirs.
    public func invalidate(reader: Int64) {
        pages.invalidate(reader)
    }

    /// Drops every cached page: after a post is deleted, or a followed-by-many author's post is
    /// ready (it is merged into all its followers' pages at read time).
    public func invalidateAll() {
        pages.invalidateAll()
    }

    /// The reader's page rendered by `render`, from the cache when it holds it (see
    /// `ExpiringCache` for when a cached page is read again in the background).
    func renderedPage(
        userID: Int64, page request: PageRequest, render: @escaping @Sendable (PostPage) -> ByteBuffer
    ) async throws -> ByteBuffer {
        let key = FeedPageKey(reader: userID, cursor: request.cursor, limit: request.limit)
        return try await pages.value(for: key, group: userID) {
            render(try await page(userID: userID, page: request))
        }
    }

    /// Copies a ready post into the timelines of its author and of the author's followers,
    /// then trims those timelines to `timelineLength`. Does nothing for a deleted post, a post
    /// whose media is not ready, or an author at or above the celebrity threshold. Returns the
    /// number of timelines written, whose cached pages it drops (all pages, for an author at
    /// the threshold). Idempotent: the `feed.fanout` job may run it again.
    @discardableResult
    public func fanOut(postID: Int64) async throws -> Int {
        let threshold = configuration.celebrityFollowerThreshold
        let length = configuration.timelineLength
        let readers = try await pool.transaction { connection -> [Int64]? in
            let rows = try connection.query(
                """
                SELECT p.user_id, u.follower_count FROM posts p JOIN users u ON u.id = p.user_id
                JOIN media m ON m.id = p.media_id
                WHERE p.id = $1 AND NOT p.deleted AND m.status = 'ready'
                """, [postID])
            guard let row = rows.first else { return [] }
            guard try row["follower_count", as: Int64.self] < threshold else { return nil }
            let author = try row["user_id", as: Int64.self]
            let inserted = try connection.query(
                """
                INSERT INTO timelines (user_id, post_id, author_id, created_at)
                SELECT r.reader, p.id, p.user_id, p.created_at FROM posts p,
                    (SELECT follower_id AS reader FROM follows WHERE followee_id = $2 UNION SELECT $2) r
                WHERE p.id = $1
                ON CONFLICT DO NOTHING
                RETURNING user_id
                """, [postID, author])
            try connection.query(
                """
                DELETE FROM timelines t USING (
                    SELECT user_id, post_id FROM (
                        SELECT user_id, post_id, row_number() OVER (
                            PARTITION BY user_id ORDER BY created_at DESC, post_id DESC) AS position
                        FROM timelines
                        WHERE user_id IN (SELECT follower_id FROM follows WHERE followee_id = $1 UNION SELECT $1)
                    ) ranked WHERE position > $2
                ) old
                WHERE t.user_id = old.user_id AND t.post_id = old.post_id
                """, [author, length])
            return try inserted.map { try $0["user_id", as: Int64.self] }
        }
        // The readers whose timelines changed (trimming only touches those), or nil for a
        // ready post of an author above the threshold: every page may merge it.
        guard let readers else {
            pages.invalidateAll()
            return 0
        }
        pages.invalidate(readers)
        return readers.count
    }

    /// Rebuilds a reader's timeline from the newest ready posts of the reader and of followed
    /// authors below the threshold; `page` calls it when the timeline was never built.
    public func rebuild(userID: Int64) async throws {
        let threshold = configuration.celebrityFollowerThreshold
        let length = configuration.timelineLength
        try await pool.transaction { connection in
            try connection.query("DELETE FROM timelines WHERE user_id = $1", [userID])
            try connection.query(
                """
                INSERT INTO timelines (user_id, post_id, author_id, created_at)
                SELECT $1, p.id, p.user_id, p.created_at
                FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
                WHERE NOT p.deleted AND m.status = 'ready' AND u.follower_count < $2
                  AND (p.user_id = $1 OR p.user_id IN (SELECT followee_id FROM follows WHERE follower_id = $1))
                ORDER BY p.created_at DESC, p.id DESC LIMIT $3
                """, [userID, threshold, length])
            try connection.query(
                """
                INSERT INTO timeline_state (user_id) VALUES ($1)
                ON CONFLICT (user_id) DO UPDATE SET built_at = now()
                """, [userID])
        }
    }

    /// One page of the reader's feed, newest first by `(created_at, id)`: keyset pagination,
    /// so posts inserted while a client pages never shift or repeat the rows it has not seen.
    /// One round trip when the timeline is built (the page query says whether it is).
    public func page(userID: Int64, page: PageRequest) async throws -> PostPage {
        let keys = page.keys
        let sql = Self.pageSQL(rows: page.limit + 1, celebrityThreshold: configuration.celebrityFollowerThreshold)
        var rows = try await pool.queryPrepared(sql, [userID, keys.micros, keys.id])
        if try rows.first?["built", as: Bool.self] != true {
            try await rebuild(userID: userID)
            rows = try await pool.queryPrepared(sql, [userID, keys.micros, keys.id])
        }
        // An empty page is one row of nulls beside `built`.
        let posts = try rows.filter { try $0["id", as: Int64?.self] != nil }
        let result = try PostQuery.page(posts, limit: page.limit)
        return PostPage(posts: result.posts, nextCursor: result.next)
    }

    /// The page query: $1 reader, $2 and $3 the cursor (microseconds since the epoch, post id).
    /// Every row carries `built`, whether the reader's timeline exists (no posts are read when
    /// it does not); a page without posts is one row whose post columns are null. The row
    /// count and the celebrity threshold are written into the text (a page size is one of a
    /// hundred statements): with them as parameters PostgreSQL could not cost a generic plan
    /// and planned the statement afresh at every call, which took longer than running it.
    /// Public so `scripts/bench api` runs the very statement with pgbench.
    public static func pageSQL(rows: Int, celebrityThreshold: Int64) -> String {
        """
        WITH state AS (SELECT EXISTS (SELECT 1 FROM timeline_state WHERE user_id = $1) AS built)
        SELECT state.built, feed_page.* FROM state LEFT JOIN LATERAL (
        """ + PostQuery.select + """
             JOIN (
                (SELECT post_id FROM timelines
                WHERE user_id = $1
                  AND (created_at, post_id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
                ORDER BY created_at DESC, post_id DESC LIMIT \(rows))
                UNION
                SELECT c.id FROM follows f JOIN users a ON a.id = f.followee_id AND a.follower_count >= \(celebrityThreshold)
                CROSS JOIN LATERAL (
                    SELECT p2.id FROM posts p2 JOIN media m2 ON m2.id = p2.media_id
                    WHERE p2.user_id = f.followee_id AND NOT p2.deleted AND m2.status = 'ready'
                      AND (p2.created_at, p2.id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
                    ORDER BY p2.created_at DESC, p2.id DESC LIMIT \(rows)
                ) c
                WHERE f.follower_id = $1
            ) feed ON feed.post_id = p.id
            WHERE NOT p.deleted AND state.built
            ORDER BY p.created_at DESC, p.id DESC LIMIT \(rows)
        ) feed_page ON true
        """
    }
}

/// Which cached feed page: the reader, where the page starts and how many posts it has.
struct FeedPageKey: Hashable, Sendable {
    var reader: Int64
    var cursor: Cursor?
    var limit: Int
}
