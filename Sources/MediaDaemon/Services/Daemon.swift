import Foundation
import Logging
import Platform
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The running daemon: wires every service from `ServeSettings` and runs them until SIGTERM
/// or SIGINT.
///
/// Starts the embedded cluster when no external database is configured, applies pending
/// migrations, then runs the workers (photo, video and backlog lanes), the queue's
/// maintenance, the database monitor and the HTTP API; an embedded cluster is supervised
/// (restarted when its postmaster dies). On a signal they shut down in reverse order (running
/// jobs finish within the grace period, the rest are released) and the embedded cluster stops
/// if this daemon started it.
struct Daemon {
    let settings: ServeSettings

    func run() async throws {
        let configuration = settings.daemon
        DaemonLogging.bootstrap(level: configuration.logLevel)
        LibvipsThreads.onePerImage(whenWorkers: settings.photoWorkers)
        let logger = Logger(label: "mediadaemon")
        logger.info(
            "mediadaemon \(MediaDaemonCommand.version) starting",
            metadata: ["data": "\(configuration.dataDirectory)", "presets": "\(settings.presetSource)"])

        let database = try DatabaseHandle.open(configuration, serving: true, logger: logger)
        defer {
            do { try database.close() } catch { logger.error("stopping the embedded database failed: \(error)") }
        }
        let pool = try DatabasePool(url: database.url, size: settings.databasePoolSize, logger: logger)
        do {
            let applied = try await Migrator(logger: logger).migrate(pool)
            logger.info("schema ready", metadata: ["migrations_applied": "\(applied.count)"])
            var services = try makeServices(databaseURL: database.url, pool: pool, logger: logger)
            // First, so it stops last: the other services drain against a live database.
            if let cluster = database.cluster { services.insert(ClusterSupervisor(cluster: cluster, logger: logger), at: 0) }
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                ))
            let http = settings.http
            logger.info(
                "ready; stop with SIGTERM or Ctrl-C",
                metadata: [
                    "database": "\(database.cluster == nil ? "external" : "embedded")",
                    "store": "\(configuration.storeDirectory)",
                    "http": "\(settings.httpEnabled ? "\(http.host):\(http.port)" : "off")",
                    "db_pool": "\(pool.configuration.size)",
                    "read_replica": "\(settings.readReplica == nil ? "none" : "checked every second")",
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

    /// The services in dependency order (they stop in reverse).
    private func makeServices(databaseURL: String, pool: DatabasePool, logger: Logger) throws -> [any Service] {
        let configuration = settings.daemon
        let store = try configuration.makeStore()
        for directory in [configuration.scratchDirectory, settings.http.uploadDirectory] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // HTTP latencies, job durations, failures and queue depth: one registry, at /metrics.
        let metrics = PrometheusMetricsFactory.daemon()
        let queue = JobQueue(pool: pool, logger: logger)
        let replica = try settings.readReplica.map { try ReadReplica(configuration: $0, primary: pool, logger: logger) }
        let api = try HTTPAPI(
            configuration: settings.http, pool: pool, replica: replica, store: store, hooks: .jobQueue, logger: logger,
            metrics: metrics,
            refreshMetrics: {
                do { try await queue.recordDepth(into: metrics) } catch {
                    logger.warning("queue depth unavailable for /metrics", metadata: ["error": "\(error)"])
                }
            })
        let social = SocialJobs(api: api, store: store, logger: logger)
        // Media jobs run in worker children: a decoder crash takes one child, never serve.
        let workers = WorkerPool(configuration: settings.workers, metrics: metrics)
        let processor = MediaProcessor(
            store: store, pool: pool, completion: MediaCompletion(maxDistance: settings.duplicateDistance),
            presets: settings.presets, scratchDirectory: configuration.scratchDirectory, logger: logger,
            workers: workers, quarantineAfter: settings.quarantineAfter)
        var runnerConfiguration = QueueRunner.Configuration(
            database: .init(url: databaseURL, size: 1),
            lanes: [
                .init("photo", threads: settings.photoWorkers), .init("video", threads: settings.videoWorkers),
                .init("backlog", threads: settings.backlogWorkers), .init("default", threads: 1),
            ],
            leaseDuration: settings.leaseDuration, heartbeatInterval: settings.leaseDuration / 3,
            shutdownGracePeriod: settings.gracePeriod, metrics: metrics)
        runnerConfiguration.presenceDetail = { [workers] in workers.summary }
        let runner = try QueueRunner(
            configuration: runnerConfiguration,
            handlers: processor.handlers.merging(processor.avatarHandlers) { first, _ in first }
                .merging(social.handlers) { first, _ in first }
                .merging(BlocklistJobs(pool: pool, store: store, logger: logger).handlers) { first, _ in first },
            logger: logger)
        var services: [any Service] = [
            DatabaseMonitor(pool: pool, logger: logger),
        ]
        if let replica { services.append(ReplicaMonitor(replica: replica)) }
        services += [
            QueueMaintenanceService(
                rescuer: try JobRescuer(pool: pool, logger: logger, metrics: metrics),
                cleaner: try JobCleaner(pool: pool, logger: logger),
                reconciler: try MediaReconciler(pool: pool, logger: logger, metrics: metrics),
                originals: try OriginalSweeper(
                    pool: pool, store: store, configuration: .init(gracePeriod: settings.originalGracePeriod),
                    logger: logger, metrics: metrics),
                leftovers: LeftoverSweeper(
                    targets: [
                        .uploadSpool(settings.http.uploadDirectory),
                        .init(directory: configuration.scratchDirectory, prefix: MediaProcessor.scratchPrefix),
                        // Worker children's own folders (with any job inside) that a killed serve left.
                        .init(directory: configuration.scratchDirectory, prefix: WorkerScratch.childPrefix),
                    ] + (store.fileStore.map { [LeftoverSweeper.Target.storeTemporaries($0)] } ?? []), logger: logger),
                uploads: store.s3Store.map { UploadSweeper(store: $0, logger: logger) }),
            QueueService(runner: runner, workers: workers),
            SessionSweeperService(
                sweeper: try SessionSweeper(pool: pool, social: settings.http.social, logger: logger)),
        ]
        // Once listening: NIO opens its sockets and event loops without close-on-exec.
        if settings.httpEnabled {
            services.append(api.makeApplication(onListening: { _ in CloseOnExec.markOpenDescriptors(logger: logger) }))
            if let admin = api.makeAdminApplication(onListening: { CloseOnExec.markOpenDescriptors(logger: logger) }) {
                services.append(admin)
            }
        }
        let notifications = settings.http.notifications
        services.append(
            NotificationServices(
                hub: api.hub, likes: LikeDeltaFolder(pool: pool, batch: notifications.likeFoldBatch, logger: logger),
                retention: NotificationRetention(pool: pool, retention: notifications.retention),
                configuration: notifications, logger: logger))
        return services
    }
}
