import ArgumentParser
import Foundation
import Logging
import Hummingbird
import Platform
import ServiceLifecycle
import UnixSignals

/// `mediadaemon serve`: run the daemon until SIGTERM or SIGINT.
///
/// Starts the embedded cluster when no external database is configured, applies pending
/// migrations, then runs the workers (photo, video and backlog lanes), the queue's
/// maintenance and the database monitor. On a signal they shut down in reverse order (running
/// jobs finish within the grace period, the rest are released) and the embedded cluster stops.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon (embedded PostgreSQL unless DATABASE_URL is set) until SIGTERM/SIGINT."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "Threads for photo jobs (default: number of cores).")
    var photoWorkers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Threads for video jobs.")
    var videoWorkers: Int = 1

    @Option(help: "Threads for the reprocessing backlog lane (fresh uploads have their own lanes).")
    var backlogWorkers: Int = 1

    @Option(help: "Seconds running jobs get to finish on shutdown before they are released.")
    var gracePeriod: Int = 30

    @Option(help: "Seconds a claimed job is leased (heartbeats renew it a third of the way in); a killed worker's jobs run again this long after its last heartbeat.")
    var leaseSeconds: Int = 30

    @Option(help: "PDQ distance (of 256) at or below which media are recorded as near-duplicates.")
    var duplicateDistance: Int = 31

    @Option(help: "HTTP address to bind (env MEDIADAEMON_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "HTTP port (env MEDIADAEMON_PORT, default 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: """
        Followers at which an author's posts are merged into readers' feeds at read time instead \
        of fanned out (env MEDIADAEMON_CELEBRITY_FOLLOWERS, default 10000).
        """)
    var celebrityFollowers: Int64?

    @Option(help: """
        Database connections the HTTP API and the job completions share (env MEDIADAEMON_DB_POOL, \
        default twice the number of cores, at least 4).
        """)
    var dbPool: Int?

    @Option(name: .customLong("session-cache-ttl"), help: """
        Seconds a bearer token's user is remembered (env MEDIADAEMON_SESSION_CACHE_TTL, default 5; \
        0 looks every request up). A log-out here takes effect at once; a revocation made through \
        another daemon on the same database within this time.
        """)
    var sessionCacheTTL: Double?

    @Option(name: .customLong("feed-cache-ttl"), help: """
        Seconds a rendered feed page is served again (env MEDIADAEMON_FEED_CACHE_TTL, default 1; \
        0 reads every page afresh). The reader's own writes through this daemon show at once; \
        other writes within this time.
        """)
    var feedCacheTTL: Double?

    @Flag(name: .customLong("no-http"), help: "Run only the workers, without the HTTP API.")
    var noHTTP = false

    func validate() throws {
        guard photoWorkers >= 1, videoWorkers >= 1, backlogWorkers >= 1 else {
            throw ValidationError("worker counts must be at least 1")
        }
        guard leaseSeconds >= 3 else { throw ValidationError("--lease-seconds must be at least 3") }
        guard (0...128).contains(duplicateDistance) else { throw ValidationError("--duplicate-distance must be 0...128") }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535") }
        if let celebrityFollowers, celebrityFollowers < 1 { throw ValidationError("--celebrity-followers must be at least 1") }
        if let dbPool, !Self.poolSizes.contains(dbPool) { throw ValidationError("--db-pool must be 1...256") }
        for (name, value) in [("--session-cache-ttl", sessionCacheTTL), ("--feed-cache-ttl", feedCacheTTL)] {
            if let value, !Self.cacheSeconds.contains(value) { throw ValidationError("\(name) must be 0...3600 seconds") }
        }
    }

    /// Cache lifetimes accepted, in seconds.
    static let cacheSeconds = 0.0...3600.0

    /// `option`, else the environment variable `name`, else `fallback`, as a duration.
    private static func cacheTTL(_ option: Double?, environment name: String, default fallback: Double) throws -> Duration {
        var seconds = fallback
        if let option {
            seconds = option
        } else if let text = ProcessInfo.processInfo.environment[name] {
            guard let value = Double(text), cacheSeconds.contains(value) else {
                throw ValidationError("\(name) must be a number of seconds 0...3600, not \(text)")
            }
            seconds = value
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Pool sizes accepted; PostgreSQL's default max_connections is 100, so more than that
    /// needs a server configured for it.
    static let poolSizes = 1...256

    /// `--db-pool`, else MEDIADAEMON_DB_POOL, else twice the cores (at least 4): requests wait
    /// on PostgreSQL's round trips more than on its CPU, so a few more connections than cores
    /// keep both busy.
    private func databasePoolSize() throws -> Int {
        if let dbPool { return dbPool }
        if let text = ProcessInfo.processInfo.environment["MEDIADAEMON_DB_POOL"] {
            guard let value = Int(text), Self.poolSizes.contains(value) else {
                throw ValidationError("MEDIADAEMON_DB_POOL must be an integer 1...256, not \(text)")
            }
            return value
        }
        return max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)
    }

    func run() async throws {
        // A preset the encoders refuse stops the daemon here, before any job could fail on it.
        let presets = try MediaJob.Presets.fromDirectory("jobs")
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        LibvipsThreads.onePerImage(whenWorkers: photoWorkers)
        let logger = Logger(label: "mediadaemon")
        logger.info("mediadaemon \(MediaDaemonCommand.version) starting", metadata: ["data": "\(configuration.dataDirectory)"])

        let poolSize = try databasePoolSize()
        let http = try httpConfiguration(configuration)
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer {
            do { try database.close() } catch { logger.error("stopping the embedded database failed: \(error)") }
        }
        let pool = try DatabasePool(url: database.url, size: poolSize, logger: logger)
        do {
            let applied = try await Migrator(logger: logger).migrate(pool)
            logger.info("schema ready", metadata: ["migrations_applied": "\(applied.count)"])
            let services = try makeServices(
                configuration, http: http, presets: presets, databaseURL: database.url, pool: pool, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                ))
            logger.info(
                "ready; stop with SIGTERM or Ctrl-C",
                metadata: [
                    "database": "\(database.cluster == nil ? "external" : "embedded")",
                    "store": "\(configuration.storeDirectory)",
                    "http": "\(noHTTP ? "off" : "\(http.host):\(http.port)")",
                    "db_pool": "\(pool.configuration.size)",
                    "session_cache_ttl": "\(http.social.sessionCacheTTL)",
                    "feed_cache_ttl": "\(http.social.feedCacheTTL)",
                ])
            try await group.run()
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        logger.info("stopped")
    }

    private func httpConfiguration(_ configuration: DaemonConfiguration) throws -> HTTPConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var threshold: Int64 = 10_000
        if let celebrityFollowers {
            threshold = celebrityFollowers
        } else if let text = environment["MEDIADAEMON_CELEBRITY_FOLLOWERS"] {
            guard let value = Int64(text), value >= 1 else {
                throw ValidationError("MEDIADAEMON_CELEBRITY_FOLLOWERS must be a positive integer, not \(text)")
            }
            threshold = value
        }
        return HTTPConfiguration(
            mediaSniffer: .formats,
            host: host ?? environment["MEDIADAEMON_HOST"] ?? "127.0.0.1",
            port: port ?? environment["MEDIADAEMON_PORT"].flatMap(Int.init) ?? 8080,
            uploadDirectory: configuration.dataDirectory + "/uploads",
            social: SocialConfiguration(
                celebrityFollowerThreshold: threshold,
                sessionCacheTTL: try Self.cacheTTL(sessionCacheTTL, environment: "MEDIADAEMON_SESSION_CACHE_TTL", default: 5),
                feedCacheTTL: try Self.cacheTTL(feedCacheTTL, environment: "MEDIADAEMON_FEED_CACHE_TTL", default: 1)))
    }

    private func makeServices(
        _ configuration: DaemonConfiguration, http: HTTPConfiguration, presets: MediaJob.Presets, databaseURL: String,
        pool: DatabasePool,
        logger: Logger
    ) throws -> [any Service] {
        let store = try ObjectStore(root: configuration.storeDirectory)
        for directory in [configuration.scratchDirectory, configuration.dataDirectory + "/uploads"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let hooks = SocialJobs.hooks(queue: { JobQueue(pool: pool, logger: logger) })
        // Job durations, failures and queue depth, rendered after the HTTP series at /metrics.
        let metrics = PrometheusRegistry()
        let queue = JobQueue(pool: pool, logger: logger)
        let api = try HTTPAPI(
            configuration: http, pool: pool, store: store, hooks: hooks, logger: logger,
            extraMetrics: {
                do { try await queue.recordDepth(into: metrics) } catch {
                    logger.warning("queue depth unavailable for /metrics", metadata: ["error": "\(error)"])
                }
                return metrics.render()
            })
        let social = SocialJobs(api: api, store: store, pool: pool, logger: logger)
        let processor = MediaProcessor(
            store: store, pool: pool, completion: MediaCompletion(maxDistance: duplicateDistance),
            presets: presets, scratchDirectory: configuration.scratchDirectory,
            logger: logger)
        let runner = try QueueRunner(
            configuration: .init(
                database: .init(url: databaseURL, size: 1),
                lanes: [
                    .init("photo", threads: photoWorkers), .init("video", threads: videoWorkers),
                    .init("backlog", threads: backlogWorkers), .init("default", threads: 1),
                ],
                leaseDuration: .seconds(leaseSeconds), heartbeatInterval: .seconds(leaseSeconds) / 3,
                shutdownGracePeriod: .seconds(gracePeriod), metrics: metrics),
            handlers: processor.handlers.merging(social.handlers) { first, _ in first }, logger: logger)
        var services: [any Service] = [
            DatabaseMonitor(pool: pool, logger: logger),
            QueueMaintenanceService(
                rescuer: try JobRescuer(pool: pool, logger: logger, metrics: metrics), cleaner: try JobCleaner(pool: pool, logger: logger)),
            QueueService(runner: runner),
        ]
        if !noHTTP { services.append(api.makeApplication()) }
        return services
    }
}
