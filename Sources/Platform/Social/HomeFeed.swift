import Synchronization

/// The home feed of the reader a bearer token names: the session cache, then the page cache,
/// and when the session is not cached, one statement (`SessionFeedPage`) that checks the token
/// and reads the page, so that such a request waits for one connection and one round trip
/// instead of two of each.
///
/// The caches behave as when the two look-ups run in turn (`UserService.authenticate`, then
/// `FeedService.renderedPage`), which they still do when the page is cached: a live session
/// found is remembered for `sessionCacheTTL`, the page rendered is kept for `feedCacheTTL`
/// unless a write voided it meanwhile, and the page look-up counts as a miss. With a read
/// replica the session is looked up on the primary and the page read as `FeedService` reads it
/// (the combined statement writes the session's last use, which a replica refuses).
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
        let loadSession = users.sessionLoader(hash: hash)
        let sessionTicket: ExpiringCache<String, String, Int64>.Ticket
        let expired: Int64?
        switch users.sessions.cached(for: hash, group: hash, reload: loadSession) {
        case .hit(let userID):
            return try await feed.renderedPage(userID: userID, page: try request.get(), render: render)
        case .miss(let ticket, let userID):
            (sessionTicket, expired) = (ticket, userID)
        }
        // The two look-ups in turn: with a replica; for a bad page request (refused once the
        // token is checked); and when the page of the user the token named until its entry
        // expired is cached (a token always names the same user), as it is for popular readers.
        guard feed.replica == nil, let page = try? request.get(),
            !(expired.map { feed.holdsPage(userID: $0, page: page) } ?? false)
        else {
            let userID = try await users.sessions.load(hash, group: hash, ticket: sessionTicket, load: loadSession)
            return try await feed.renderedPage(userID: userID, page: try request.get(), render: render)
        }
        // The statement is the session's load: concurrent misses of the token wait for it, then
        // find the page it stored (or read it, with the page cache off).
        let rendered = RenderedPage()
        let service = feed
        let parameters = users.sessionParameters(hash: hash) + service.positionParameters(page)
        let userID = try await users.sessions.load(hash, group: hash, ticket: sessionTicket) {
            let pageTicket = service.pages.ticket()
            let rows = try await service.pool.queryPrepared(SocialQuery.sessionFeedPage, parameters)
            guard let first = rows.first else { throw SocialError.unauthorized }
            let userID = try first["reader_id", as: Int64.self]
            service.pages.countMiss()
            let body = render(try await service.page(from: rows, userID: userID, page: page))
            let key = FeedPageKey(reader: userID, cursor: page.cursor, limit: page.limit)
            service.pages.store(body, for: key, group: userID, ticket: pageTicket)
            rendered.body.withLock { $0 = body }
            return userID
        }
        if let body = rendered.body.withLock({ $0 }) { return body }
        return try await service.renderedPage(userID: userID, page: page, render: render)
    }
}

/// The page a request's own load rendered, if its load ran (not another request's it waited for).
private final class RenderedPage: Sendable {
    let body = Mutex<[UInt8]?>(nil)
}
