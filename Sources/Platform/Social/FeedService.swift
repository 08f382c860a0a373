public import CoreMetrics

/// The home feed: a materialised timeline per reader, filled by `fanOut(postID:)`, merged on
/// read with the recent posts of followed authors above the celebrity threshold (who are
/// never fanned out), rebuilt on read when missing.
///
/// Rendered pages (the bytes of the HTTP layer's rendering) are kept for `feedCacheTTL` per
/// reader, cursor and limit: writes through
/// this process call `invalidate(reader:)` (or `invalidateAll()`) so that the writer's next
/// read is fresh; fan-out drops the pages of the readers it wrote.
public struct FeedService: Sendable {
    let pool: DatabasePool
    let configuration: SocialConfiguration
    /// Where feed pages are read when set (see `ReadReplica`); timelines are built on the primary.
    let replica: ReadReplica?
    /// Rendered pages by reader, cursor and limit; a reader's pages form one group.
    let pages: ExpiringCache<FeedPageKey, Int64, [UInt8]>
    /// Where post views say renditions are.
    let links: MediaLinks

    /// A service on `pool`; the page cache's look-ups are counted in `metrics`
    /// (`cache="feed_page"`).
    public init(
        pool: DatabasePool, configuration: SocialConfiguration = SocialConfiguration(), replica: ReadReplica? = nil,
        links: MediaLinks = MediaLinks(), metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.pool = pool
        self.replica = replica
        self.configuration = configuration
        self.links = links
        pages = ExpiringCache(
            timeToLive: configuration.feedCacheTTL, capacity: configuration.feedCacheCapacity, name: "feed_page",
            metrics: metrics)
    }

    /// Drops the reader's cached pages (and any being read), after a write that changes what
    /// the reader sees: a follow, an unfollow, a post, a like or a comment of theirs. With a read
    /// replica, the reader's reads go to the primary until the replica holds the write.
    public func invalidate(reader: Int64) {
        replica?.noteWrite(by: reader)
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
        userID: Int64, page request: PageRequest, render: @escaping @Sendable (PostPage) -> [UInt8]
    ) async throws -> [UInt8] {
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
            let rows = try connection.query(SocialQuery.fanOutSource, [postID])
            guard let row = rows.first else { return [] }
            guard try row["follower_count", as: Int64.self] < threshold else { return nil }
            let author = try row["user_id", as: Int64.self]
            let inserted = try connection.query(SocialQuery.fanOutPost, [postID, author])
            try connection.query(SocialQuery.trimFollowerTimelines, [author, length])
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
            try connection.query(SocialQuery.deleteTimeline, [userID])
            try connection.query(SocialQuery.rebuildTimeline, [userID, threshold, length])
            try connection.query(SocialQuery.markTimelineBuilt, [userID])
        }
    }

    /// One page of the reader's feed, newest first by `(created_at, id)`: keyset pagination,
    /// so posts inserted while a client pages never shift or repeat the rows it has not seen.
    /// One round trip when the timeline is built (the page query says whether it is). Read from
    /// the replica when there is one; a timeline never built is built and read on the primary.
    public func page(userID: Int64, page: PageRequest) async throws -> PostPage {
        let parameters = [userID] + positionParameters(page)
        let statement = try SocialQuery.feedPage.text
        let rows = try await pool.read(via: replica, for: userID) { try $0.queryPrepared(statement, parameters) }
        return try await self.page(from: rows, userID: userID, page: page)
    }

    /// The page in `rows`, as `FeedPage` or `SessionFeedPage` return it; when they say the
    /// reader's timeline was never built, it is built and the page read again on the primary.
    func page(from rows: QueryResult, userID: Int64, page: PageRequest) async throws -> PostPage {
        var rows = rows
        if try rows.first?["built", as: Bool.self] != true {
            try await rebuild(userID: userID)
            rows = try await pool.queryPrepared(SocialQuery.feedPage, [userID] + positionParameters(page))
        }
        // An empty page is one row of nulls beside `built`.
        let id = rows.columns.firstIndex { $0.name == "id" }
        let posts = rows.filter { row in id.map { row.text(at: $0) != nil } ?? false }
        let result = try PostQuery.page(posts, limit: page.limit, links: links)
        return PostPage(posts: result.posts, nextCursor: result.next)
    }

    /// The page query's parameters after the reader: the cursor, the rows (a page and one
    /// more) and the celebrity threshold (`$2` to `$5` of `FeedPage`, `$5` to `$8` of
    /// `SessionFeedPage`).
    func positionParameters(_ page: PageRequest) -> [(any PostgresEncodable)?] {
        let keys = page.keys
        return [keys.micros, keys.id, page.limit + 1, configuration.celebrityFollowerThreshold]
    }

    /// The page query (`FeedPage` in `Social/SocialQueries/feed.sql`, where its parameters are
    /// described), or with `session` the session look-up and page in one (`SessionFeedPage`),
    /// so `scripts/bench api` runs the very statements with pgbench.
    public static func pageSQL(session: Bool = false) throws -> String {
        try (session ? SocialQuery.sessionFeedPage : SocialQuery.feedPage).text
    }
}

/// Which cached feed page: the reader, where the page starts and how many posts it has.
struct FeedPageKey: Hashable, Sendable {
    var reader: Int64
    var cursor: Cursor?
    var limit: Int
}
