public import Hummingbird
import HummingbirdCore
public import Logging
public import Prometheus

/// The embedded HTTP services: every route of DESIGN.md "HTTP API" over the social services,
/// the object store and the database.
///
/// ```swift
/// let api = try HTTPAPI(configuration: .init(port: 8080), pool: pool, store: store,
///                       hooks: hooks, logger: logger)
/// let app = api.makeApplication()          // a Service: add it to the ServiceGroup
/// try await api.feed.fanOut(postID: 42)    // the feed.fanout job's body
/// ```
public struct HTTPAPI: Sendable {
    /// The settings the API was built with.
    public let configuration: HTTPConfiguration
    /// Users and sessions.
    public let users: UserService
    /// Posts.
    public let posts: PostService
    /// Follows.
    public let follows: FollowService
    /// Likes.
    public let likes: LikeService
    /// Comments.
    public let comments: CommentService
    /// The feed, including `fanOut(postID:)` for the `feed.fanout` job.
    public let feed: FeedService
    /// Notifications: lists, read marks, stream tickets.
    public let notifications: NotificationService
    /// Live notifications and the notification folder: run `hub.run()` beside the server.
    public let hub: NotificationHub
    /// Blocks and mutes.
    public let relations: RelationService
    /// Avatar uploads, and the `user.avatar` job's completion.
    public let avatars: AvatarService
    /// The `user.delete` job's body.
    public let accountDeletion: AccountDeletion
    /// User and tag search, tag pages.
    public let search: SearchService
    /// Reports of posts and users.
    public let reports: ReportService

    let pool: DatabasePool
    /// Where feed, profile, post and comment reads go when set; `/readyz` reports it.
    let replica: ReadReplica?
    let store: ObjectStore
    let migrator: Migrator
    let logger: Logger
    let auth: BearerAuth
    /// `GET /api/v1/feed`: the bearer's session and page together.
    let homeFeed: HomeFeed
    /// Who may open `/admin`.
    let operatorAuth: OperatorAuth
    let limiter: RateLimiter
    /// Open connections against `configuration.maximumConnections`.
    let connections: ConnectionCounter
    /// The backend of every series `/metrics` renders: the HTTP latencies and the session and
    /// feed caches' look-ups recorded here and whatever else the caller records through it (job
    /// durations, failures, queue depth).
    let metrics: PrometheusMetricsFactory
    let refreshMetrics: @Sendable () async -> Void

    /// Builds the services. `metrics` is rendered at `/metrics` after `refreshMetrics` has
    /// brought its gauges up to date (the queue's depth). With `replica`, reads of feeds,
    /// profiles, posts and comments go to it while it is fresh (writes, sessions and the queue
    /// stay on `pool`).
    public init(
        configuration: HTTPConfiguration, pool: DatabasePool, replica: ReadReplica? = nil, store: ObjectStore,
        hooks: PostHooks, logger: Logger, metrics: PrometheusMetricsFactory = .daemon(),
        refreshMetrics: @escaping @Sendable () async -> Void = {}
    ) throws {
        self.configuration = configuration
        self.pool = pool
        self.replica = replica
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.refreshMetrics = refreshMetrics
        migrator = try Migrator(logger: logger)
        users = UserService(
            pool: pool, configuration: configuration.social, replica: replica, links: configuration.mediaLinks,
            metrics: metrics)
        posts = PostService(pool: pool, hooks: hooks, replica: replica, links: configuration.mediaLinks)
        follows = FollowService(pool: pool, configuration: configuration.social)
        likes = LikeService(pool: pool, foldsCounts: configuration.notifications.foldsLikeCounts, metrics: metrics)
        comments = CommentService(pool: pool, replica: replica, links: configuration.mediaLinks)
        relations = RelationService(pool: pool, configuration: configuration.social)
        avatars = AvatarService(pool: pool, store: store)
        accountDeletion = AccountDeletion(
            pool: pool, store: store, foldsLikeCounts: configuration.notifications.foldsLikeCounts,
            enqueueMediaDeletion: hooks.enqueueDeletion)
        feed = FeedService(
            pool: pool, configuration: configuration.social, replica: replica, links: configuration.mediaLinks,
            metrics: metrics)
        try configuration.notifications.validate()
        notifications = NotificationService(pool: pool, configuration: configuration.notifications, links: configuration.mediaLinks)
        hub = NotificationHub(pool: pool, configuration: configuration.notifications, logger: logger)
        search = SearchService(pool: pool, links: configuration.mediaLinks)
        try configuration.reports.validate()
        reports = ReportService(pool: pool, configuration: configuration.reports)
        auth = BearerAuth(users: users)
        homeFeed = HomeFeed(users: users, feed: feed)
        operatorAuth = OperatorAuth(users: users, operatorToken: configuration.operatorToken)
        limiter = RateLimiter(configuration: configuration)
        connections = ConnectionCounter(limit: configuration.maximumConnections)
    }

    /// The router with every route and the metrics and error middleware.
    public func makeRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: HTTPMetrics(factory: metrics)))
        router.add(middleware: APIErrorMiddleware(logger: logger))
        AccountRoutes(api: self).register(on: router)
        UserRoutes(api: self).register(on: router)
        PostRoutes(api: self).register(on: router)
        EngagementRoutes(api: self).register(on: router)
        NotificationRoutes(api: self).register(on: router)
        MediaRoutes(api: self).register(on: router)
        SearchRoutes(api: self).register(on: router)
        ReportRoutes(api: self).register(on: router)
        OperationsRoutes(api: self).register(on: router)
        if configuration.adminPort == nil { registerOperatorRoutes(on: router) }
        // Last: it wraps only the not-found responder (middleware applies to later routes).
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }

    /// The operator page and its JSON API (`/admin…`).
    private func registerOperatorRoutes(on router: Router<APIRequestContext>) {
        let console = OperatorConsole(api: self)
        OperatorAPIRoutes(auth: operatorAuth, console: console).register(on: router)
        OperatorPageRoutes(api: self, auth: operatorAuth, console: console).register(on: router)
    }

    /// With `configuration.adminPort` set: the operator page on its own listener (the same
    /// host), with `/media/…` beside it for its thumbnails and videos; nil otherwise.
    public func makeAdminApplication(onListening: @escaping @Sendable () -> Void = {}) -> (any ApplicationProtocol)? {
        guard let port = configuration.adminPort else { return nil }
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: HTTPMetrics(factory: metrics)))
        router.add(middleware: APIErrorMiddleware(logger: logger))
        registerOperatorRoutes(on: router)
        MediaRoutes(api: self).register(on: router)
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        let timeouts = configuration.timeouts
        let connections = connections
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(responder: responder, timeouts: timeouts, connections: connections)
            },
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: "mediadaemon-admin"),
            onServerRunning: { _ in onListening() },
            logger: logger)
    }

    /// The HTTP server as a swift-service-lifecycle `Service`, bound to the configured address,
    /// with the configured timeouts and connection cap.
    ///
    /// - Parameter onListening: called once the listening socket is bound, with its port (the
    ///   process uses it to make that socket, which NIO opens without it, close-on-exec; tests
    ///   bound to port 0 learn which port they got).
    public func makeApplication(onListening: @escaping @Sendable (_ port: Int?) -> Void = { _ in }) -> some ApplicationProtocol {
        let timeouts = configuration.timeouts
        let connections = connections
        return Application(
            router: makeRouter(),
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(responder: responder, timeouts: timeouts, connections: connections)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "mediadaemon"),
            onServerRunning: { channel in onListening(channel.localAddress?.port) },
            logger: logger)
    }
}
