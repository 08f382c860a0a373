/// The home feed of the reader a bearer token names: the session cache, then the page cache,
/// and when the session is not cached, one statement (`SessionFeedPage`) that checks the token
/// and reads the page, so that such a request waits for one connection and one round trip
/// instead of two of each.
///
/// A request whose session is not cached therefore reads its page fresh even when a cached
/// copy is still within its TTL: never staler than the cache, at most one page read per
/// session expiry. Otherwise the caches behave as when the two look-ups run in turn (`UserService.authenticate`, then
/// `FeedService.renderedPage`): a live session found is remembered for `sessionCacheTTL`, the
/// page rendered is kept for `feedCacheTTL` unless a write voided it meanwhile, and the page
/// look-up counts as a miss. With a read replica the session is looked up on the primary and
/// the page read as `FeedService` reads it (the combined statement writes the session's last
/// use, which a replica refuses).
struct HomeFeed: Sendable {
    let users: UserService
    let feed: FeedService

    /// The page `request` of the feed of the user whose live session `token` is, rendered by
    /// `render`. Throws 401 for a token that is not live; a `request` that failed (a bad cursor
    /// or limit) is thrown after the token was checked.
    func renderedPage(
        token: String, page request: Result<PageRequest, any Error>,
        render: @escaping @Sendable (PostPage) -> [UInt8]
    ) async throws -> [UInt8] {
        let hash = UserService.tokenHash(token)
        let sessionTicket: ExpiringCache<String, String, Int64>.Ticket
        switch users.sessions.cached(for: hash, group: hash, reload: users.sessionLoader(hash: hash)) {
        case .hit(let userID):
            return try await feed.renderedPage(userID: userID, page: try request.get(), render: render)
        case .miss(let ticket):
            sessionTicket = ticket
        }
        guard feed.replica == nil, let page = try? request.get() else {
            let userID = try await users.sessionLoader(hash: hash)()
            users.sessions.store(userID, for: hash, group: hash, ticket: sessionTicket)
            return try await feed.renderedPage(userID: userID, page: try request.get(), render: render)
        }
        let pageTicket = feed.pages.ticket()
        let rows = try await feed.pool.queryPrepared(
            SocialQuery.sessionFeedPage, users.sessionParameters(hash: hash) + feed.positionParameters(page))
        guard let first = rows.first else { throw SocialError.unauthorized }
        let userID = try first["reader_id", as: Int64.self]
        users.sessions.store(userID, for: hash, group: hash, ticket: sessionTicket)
        feed.pages.countMiss()
        let body = render(try await feed.page(from: rows, userID: userID, page: page))
        let key = FeedPageKey(reader: userID, cursor: page.cursor, limit: page.limit)
        feed.pages.store(body, for: key, group: userID, ticket: pageTicket)
        return body
    }
}
