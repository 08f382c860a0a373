import ArgumentParser
import Foundation
import Platform
import Transcode

/// `mediadaemon serve`: run the daemon until SIGTERM or SIGINT.
///
/// This type only reads flags and the environment into `ServeSettings`; `Daemon` wires and
/// runs the services. A set environment variable that cannot be used is a usage error (exit
/// 64, naming the variable), never a silent default.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon (embedded PostgreSQL unless DATABASE_URL is set) until SIGTERM/SIGINT."
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var reportOptions: ReportOptions

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

    @Option(name: .customLong("original-grace"), help: "Seconds a stored original that no live media holds (an upload refused or failed after storing it) is kept before the maintenance removes it (env MEDIADAEMON_ORIGINAL_GRACE, default 86400).")
    var originalGrace: Int?

    @Option(help: "PDQ distance (of 256) at or below which media are recorded as near-duplicates.")
    var duplicateDistance: Int = 31

    @Option(help: "HTTP address to bind (env MEDIADAEMON_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "HTTP port (env MEDIADAEMON_PORT, default 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "Followers at which an author's posts are merged into readers' feeds at read time instead of fanned out (env MEDIADAEMON_CELEBRITY_FOLLOWERS, default 10000).")
    var celebrityFollowers: Int64?

    @Option(help: "Database connections the HTTP API and the job completions share (env MEDIADAEMON_DB_POOL, default four per core, at least 4).")
    var dbPool: Int?

    @Option(name: .customLong("database-read-url"), help: "PostgreSQL URL of a streaming replica that serves feed, profile, post and comment reads while it is fresh (env DATABASE_READ_URL; default none: every read goes to the primary).")
    var databaseReadURL: String?

    @Option(name: .customLong("replica-max-lag"), help: "Seconds of staleness (judged from WAL positions) past which the replica's reads go to the primary instead (env MEDIADAEMON_REPLICA_MAX_LAG, default 5).")
    var replicaMaxLag: Double?

    @Option(name: .customLong("session-cache-ttl"), help: "Seconds a bearer token's user is remembered (env MEDIADAEMON_SESSION_CACHE_TTL, default 5; 0 looks every request up). A log-out here takes effect at once; a revocation made through another daemon on the same database within this time.")
    var sessionCacheTTL: Double?

    @Option(name: .customLong("feed-cache-ttl"), help: "Seconds a rendered feed page is served again (env MEDIADAEMON_FEED_CACHE_TTL, default 1; 0 reads every page afresh). The reader's own writes through this daemon show at once; other writes within this time.")
    var feedCacheTTL: Double?

    @Option(name: .customLong("presets"), help: "Directory whose photo.json and video.json replace the built-in presets (env MEDIADAEMON_PRESETS; the built-in ones are the repository's jobs/).")
    var presetDirectory: String?

    @Option(name: .customLong("quarantine-after"), help: "Worker crashes in a row (one input's jobs killing the child process that ran them) after which the input is quarantined.")
    var quarantineAfter: Int = 2

    @Option(name: .customLong("worker-memory"), help: "Data-segment limit (RLIMIT_DATA) of each media worker process, in MiB.")
    var workerMemory: Int = 2048

    @Flag(name: .customLong("no-worker-seccomp"), help: "Run the media worker processes without their system-call filter (to diagnose a decoder the filter kills).")
    var noWorkerSeccomp = false

    @Option(name: .customLong("worker-user"), help: "Account the media worker processes run as when serve runs as root (they never run as root; serve refuses to start when the account does not exist).")
    var workerUser: String = "nobody"

    @Flag(name: .customLong("no-worker-landlock"), help: "Run the media worker processes without their Landlock file-system rules (to diagnose a decoder that needs a path they close).")
    var noWorkerLandlock = false

    @Option(name: .customLong("worker-job-timeout"), help: "Seconds every media job may run in its worker process before the process is killed and the attempt fails as timed_out (default: a budget from the media kind, the input's size and the preset's limits).")
    var workerJobTimeout: Int?

    @Option(name: .customLong("worker-stall-timeout"), help: "Seconds a media job's progress may stand still before its worker process is killed and the attempt fails as stalled.")
    var workerStallTimeout: Int = 600

    @Option(name: .customLong("header-timeout"), help: "Seconds a request head may take from its first byte (env MEDIADAEMON_HEADER_TIMEOUT, default 10).")
    var headerTimeout: Double?

    @Option(name: .customLong("body-timeout"), help: "Longest pause, in seconds, between two reads of a request body; a stalled upload is dropped (env MEDIADAEMON_BODY_TIMEOUT, default 30).")
    var bodyTimeout: Double?

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may wait for its next request (env MEDIADAEMON_IDLE_TIMEOUT, default 60).")
    var idleTimeout: Double?

    @Option(name: .customLong("max-connections"), help: "Most HTTP connections open at once; more are closed as soon as accepted (env MEDIADAEMON_MAX_CONNECTIONS, default 1024).")
    var maxConnections: Int?

    @Option(help: "Uploads per user: BURST,PER_MINUTE (default 10,30).", transform: ServeSettings.rateLimit)
    var uploadLimit: RateLimit?

    @Option(help: "Likes per user: BURST,PER_MINUTE (default 60,300).", transform: ServeSettings.rateLimit)
    var likeLimit: RateLimit?

    @Option(help: "Comments per user: BURST,PER_MINUTE (default 20,60).", transform: ServeSettings.rateLimit)
    var commentLimit: RateLimit?

    @Option(help: "Comments per post, all users together: BURST,PER_MINUTE (default 60,120).", transform: ServeSettings.rateLimit)
    var commentPostLimit: RateLimit?

    @Option(help: "Follows and unfollows per user: BURST,PER_MINUTE (default 30,60).", transform: ServeSettings.rateLimit)
    var followLimit: RateLimit?

    @Option(help: "Registrations per client address and per username: BURST,PER_MINUTE (default 10,10).", transform: ServeSettings.rateLimit)
    var registerLimit: RateLimit?

    @Option(help: "Log-ins per client address and per username: BURST,PER_MINUTE (default 20,30).", transform: ServeSettings.rateLimit)
    var loginLimit: RateLimit?

    @Option(help: "Failed log-ins of a username or an address before each further failure locks it out, for 1 s doubling up to 15 minutes (default 5). The counts are kept in the database, shared by every daemon.")
    var loginFreeFailures: Int?

    @Option(name: .customLong("trusted-proxy"), help: "IP address of a proxy whose X-Forwarded-For names the client, for rate limits (repeatable; default none: the peer is the client).")
    var trustedProxies: [String] = []

    @Option(
        name: .customLong("media-redirect"),
        help: "With an s3:// store, answer GET /media/... with a 302 to a presigned URL valid this many seconds (1-604800) instead of proxying the bytes (env MEDIADAEMON_MEDIA_REDIRECT; default: proxy).")
    var mediaRedirect: Int?

    @Option(
        name: .customLong("public-media-url"),
        help: "Base URL API payloads put before a rendition's key instead of /media/ (a CDN in front of the bucket or of /media/; env MEDIADAEMON_PUBLIC_MEDIA_URL).")
    var publicMediaURL: String?

    @Option(help: "Threads that run bcrypt for log-ins and registrations (default half the cores, at least 1).")
    var bcryptThreads: Int?

    @Option(help: "Seconds after log-in a session is refused, however it is used (default 2592000, 30 days).")
    var sessionMaxAge: Int?

    @Option(help: "Seconds without use after which a session is refused (default 604800, 7 days; at least 120).")
    var sessionIdleAge: Int?

    @Option(name: .customLong("username-grace"), help: "Seconds a deleted account's username cannot be registered again (default 2592000, 30 days).")
    var usernameGrace: Int?

    @Option(name: .customLong("moderation-retention"), help: "Seconds moderation records about a deleted post or account (reports against it, hash-list matches of its media) are kept after it went (default 31536000, 365 days).")
    var moderationRetention: Int?

    @Option(help: "Seconds within which likes of one post fold into one notification (default 3600).")
    var likeCoalesceWindow: Int?

    @Option(help: "Seconds within which comments (and mentions) on one post fold into one notification (default 600).")
    var commentCoalesceWindow: Int?

    @Option(help: "Days read notifications are kept before the maintenance deletes them (default 30).")
    var notificationRetentionDays: Int?

    @Option(help: "Seconds between folds of pending like deltas into posts' like counts: how far a read count may lag (default 1).")
    var likeFoldInterval: Double?

    @Option(help: "Notification streams one user may hold open on this daemon (default 5).")
    var streamsPerUser: Int?

    @Option(help: "Notification streams this daemon holds open, all users together; apart from --max-connections (default 4096).")
    var maxStreams: Int?

    @Option(help: "Seconds between heartbeats on an idle notification stream (default 15).")
    var streamHeartbeat: Double?

    @Flag(name: .customLong("inline-like-counts"), help: "Update a post's like count in each like's transaction (the behaviour before batching, kept for `scripts/bench likes` to measure against).")
    var inlineLikeCounts = false

    @Option(name: .customLong("admin-port"), help: "Serve the operator page (/admin) on this port of the HTTP address instead of the API's port (env MEDIADAEMON_ADMIN_PORT; 0 picks a free one).")
    var adminPort: Int?

    @Option(name: .customLong("operator-token-file"), help: "File holding the operator token, which opens /admin (not readable by other users; env MEDIADAEMON_OPERATOR_TOKEN instead). Users granted the operator role log in without it.")
    var operatorTokenFile: String?

    @Flag(name: .customLong("no-http"), help: "Run only the workers, without the HTTP API.")
    var noHTTP = false

    func validate() throws {
        guard photoWorkers >= 1, videoWorkers >= 1, backlogWorkers >= 1 else {
            throw ValidationError("worker counts must be at least 1")
        }
        guard (256...1_048_576).contains(workerMemory) else { throw ValidationError("--worker-memory must be 256...1048576 MiB") }
        guard (1...86_400).contains(workerJobTimeout ?? 1), (1...86_400).contains(workerStallTimeout) else {
            throw ValidationError("--worker-job-timeout and --worker-stall-timeout must be 1...86400 seconds")
        }
        guard (1...100).contains(quarantineAfter) else { throw ValidationError("--quarantine-after must be 1...100") }
        guard leaseSeconds >= 3 else { throw ValidationError("--lease-seconds must be at least 3") }
        guard (0...128).contains(duplicateDistance) else { throw ValidationError("--duplicate-distance must be 0...128") }
        if let originalGrace, !ServeSettings.originalGraceSeconds.contains(originalGrace) {
            throw ValidationError("--original-grace must be 60...31536000 seconds")
        }
        if let port, !ServeSettings.ports.contains(port) { throw ValidationError("--port must be 0...65535") }
        if let adminPort, !ServeSettings.ports.contains(adminPort) { throw ValidationError("--admin-port must be 0...65535") }
        if let celebrityFollowers, celebrityFollowers < 1 { throw ValidationError("--celebrity-followers must be at least 1") }
        if let dbPool, !ServeSettings.poolSizes.contains(dbPool) { throw ValidationError("--db-pool must be 1...256") }
        if let loginFreeFailures, loginFreeFailures < 0 { throw ValidationError("--login-free-failures must be at least 0") }
        if let bcryptThreads, !(1...256).contains(bcryptThreads) { throw ValidationError("--bcrypt-threads must be 1...256") }
        if let sessionMaxAge, sessionMaxAge < 60 { throw ValidationError("--session-max-age must be at least 60 seconds") }
        if let sessionIdleAge, sessionIdleAge < 120 { throw ValidationError("--session-idle-age must be at least 120 seconds") }
        if let usernameGrace, usernameGrace < 0 { throw ValidationError("--username-grace must be at least 0 seconds") }
        if let moderationRetention, moderationRetention < 0 {
            throw ValidationError("--moderation-retention must be at least 0 seconds")
        }
        if let replicaMaxLag, !ServeSettings.replicaLagSeconds.contains(replicaMaxLag) {
            throw ValidationError("--replica-max-lag must be 1...3600 seconds")
        }
        for (name, value) in [("--session-cache-ttl", sessionCacheTTL), ("--feed-cache-ttl", feedCacheTTL)] {
            if let value, !ServeSettings.cacheSeconds.contains(value) { throw ValidationError("\(name) must be 0...3600 seconds") }
        }
        for (name, value) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)] {
            if let value, !ServeSettings.timeoutSeconds.contains(value) { throw ValidationError("\(name) must be 0.1...3600 seconds") }
        }
        if let maxConnections, !ServeSettings.connectionLimits.contains(maxConnections) {
            throw ValidationError("--max-connections must be 1...65536")
        }
        try ServeSettings.validateNotificationFlags(
            windows: [likeCoalesceWindow, commentCoalesceWindow], retentionDays: notificationRetentionDays,
            foldInterval: likeFoldInterval, streams: [streamsPerUser, maxStreams], heartbeat: streamHeartbeat)
    }

    /// The settings for this run: each flag, else its environment variable, else the default.
    func settings(environment: EnvironmentValues = EnvironmentValues()) throws -> ServeSettings {
        let daemon = try options.resolve(environment: environment.values)
        let (presets, presetSource) = try ServeSettings.presets(
            from: presetDirectory ?? environment.string("MEDIADAEMON_PRESETS"))
        // Every serve runs a video lane: without FFmpeg's libraries it stops here, not job by job.
        do { try FFmpegLibraries.load() } catch { throw MediaFailure(error) }
        let threshold = try celebrityFollowers ?? environment.integer("MEDIADAEMON_CELEBRITY_FOLLOWERS", in: 1...Int64.max) ?? 10_000
        let sessionTTL = try sessionCacheTTL ?? environment.seconds("MEDIADAEMON_SESSION_CACHE_TTL", in: ServeSettings.cacheSeconds) ?? 5
        let feedTTL = try feedCacheTTL ?? environment.seconds("MEDIADAEMON_FEED_CACHE_TTL", in: ServeSettings.cacheSeconds) ?? 1
        let originalGrace = try originalGrace
            ?? environment.integer("MEDIADAEMON_ORIGINAL_GRACE", in: ServeSettings.originalGraceSeconds) ?? 86_400
        var social = SocialConfiguration(
            celebrityFollowerThreshold: threshold, sessionCacheTTL: ServeSettings.cacheTTL(sessionTTL),
            feedCacheTTL: ServeSettings.cacheTTL(feedTTL))
        if let sessionMaxAge { social.sessionMaximumAge = .seconds(sessionMaxAge) }
        if let sessionIdleAge { social.sessionIdleAge = .seconds(sessionIdleAge) }
        if let usernameGrace { social.usernameGracePeriod = .seconds(usernameGrace) }
        if let moderationRetention { social.moderationRetention = .seconds(moderationRetention) }
        if let bcryptThreads { social.bcryptThreads = bcryptThreads }
        if let loginFreeFailures { social.loginThrottle.freeFailures = loginFreeFailures }
        // The presets own the byte limits; the upload refuses (413) what the pipeline would.
        var http = HTTPConfiguration(
            mediaSniffer: .formats,
            maximumPhotoBytes: presets.uploadByteLimits.photo, maximumVideoBytes: presets.uploadByteLimits.video,
            host: host ?? environment.string("MEDIADAEMON_HOST") ?? "127.0.0.1",
            port: try port ?? environment.integer("MEDIADAEMON_PORT", in: ServeSettings.ports) ?? 8080,
            uploadDirectory: daemon.dataDirectory + "/uploads",
            timeouts: try timeouts(environment),
            maximumConnections: try maxConnections
                ?? environment.integer("MEDIADAEMON_MAX_CONNECTIONS", in: ServeSettings.connectionLimits) ?? 1024,
            social: social,
            trustedProxies: Set(trustedProxies))
        http.adminPort = try adminPort ?? environment.integer("MEDIADAEMON_ADMIN_PORT", in: ServeSettings.ports)
        http.operatorToken = try OperatorToken.resolve(file: operatorTokenFile, environment: environment)
        http.uploadLimit = uploadLimit ?? http.uploadLimit
        http.mediaLinks = MediaLinks(base: publicMediaURL ?? environment.string("MEDIADAEMON_PUBLIC_MEDIA_URL"))
        if let seconds = try mediaRedirect ?? environment.integer("MEDIADAEMON_MEDIA_REDIRECT", in: 1...604_800) {
            guard (1...604_800).contains(seconds) else { throw ValidationError("--media-redirect must be 1...604800 seconds") }
            http.mediaRedirectLifetime = .seconds(seconds)
        }
        http.likeLimit = likeLimit ?? http.likeLimit
        http.commentLimit = commentLimit ?? http.commentLimit
        http.commentPostLimit = commentPostLimit ?? http.commentPostLimit
        http.followLimit = followLimit ?? http.followLimit
        http.registerLimit = registerLimit ?? http.registerLimit
        http.loginLimit = loginLimit ?? http.loginLimit
        http.reports = reportOptions.configuration
        if let likeCoalesceWindow { http.notifications.likeWindow = .seconds(likeCoalesceWindow) }
        if let commentCoalesceWindow { http.notifications.commentWindow = .seconds(commentCoalesceWindow) }
        if let notificationRetentionDays { http.notifications.retention = .seconds(notificationRetentionDays * 86_400) }
        if let likeFoldInterval { http.notifications.likeFoldInterval = ServeSettings.cacheTTL(likeFoldInterval) }
        if let streamsPerUser { http.notifications.streamsPerUser = streamsPerUser }
        if let maxStreams { http.notifications.maximumStreams = maxStreams }
        http.notifications.foldsLikeCounts = !inlineLikeCounts
        if let streamHeartbeat { http.notifications.heartbeatInterval = ServeSettings.cacheTTL(streamHeartbeat) }
        var workers = WorkerPool.Configuration.current(
            // Tests only: makes a worker child crash on inputs carrying the fault marker.
            testFault: environment.string("MEDIADAEMON_TEST_FAULT"))
        workers.memoryLimit = UInt64(workerMemory) << 20
        workers.seccomp = !noWorkerSeccomp
        do {
            workers.user = try WorkerUser.forChildren(named: workerUser)
        } catch {
            throw ValidationError(MediaFailure(error).message)
        }
        workers.scratchRoot = noWorkerLandlock ? nil : daemon.scratchDirectory
        workers.jobTimeout = workerJobTimeout.map { .seconds($0) }
        workers.stallTimeout = .seconds(workerStallTimeout)
        let poolSize = try dbPool ?? environment.integer("MEDIADAEMON_DB_POOL", in: ServeSettings.poolSizes)
            ?? ServeSettings.defaultPoolSize
        var replica: ReadReplica.Configuration?
        if let url = databaseReadURL.flatMap({ $0.isEmpty ? nil : $0 }) ?? environment.string("DATABASE_READ_URL") {
            let lag = try replicaMaxLag
                ?? environment.seconds("MEDIADAEMON_REPLICA_MAX_LAG", in: ServeSettings.replicaLagSeconds) ?? 5
            replica = ReadReplica.Configuration(url: url, size: poolSize, maximumLag: ServeSettings.cacheTTL(lag))
        }
        return ServeSettings(
            daemon: daemon, http: http, httpEnabled: !noHTTP, databasePoolSize: poolSize, readReplica: replica,
            photoWorkers: photoWorkers, videoWorkers: videoWorkers, backlogWorkers: backlogWorkers,
            gracePeriod: .seconds(gracePeriod), leaseDuration: .seconds(leaseSeconds),
            originalGracePeriod: .seconds(originalGrace), duplicateDistance: duplicateDistance,
            presets: presets, presetSource: presetSource, quarantineAfter: quarantineAfter, workers: workers)
    }

    /// The HTTP timeouts: each flag, else its environment variable, else `HTTPTimeouts`' default.
    private func timeouts(_ environment: EnvironmentValues) throws -> HTTPTimeouts {
        let defaults = HTTPTimeouts()
        func resolve(_ flag: Double?, _ variable: String, _ fallback: Duration) throws -> Duration {
            guard let seconds = try flag ?? environment.seconds(variable, in: ServeSettings.timeoutSeconds) else { return fallback }
            return ServeSettings.cacheTTL(seconds)
        }
        return HTTPTimeouts(
            header: try resolve(headerTimeout, "MEDIADAEMON_HEADER_TIMEOUT", defaults.header),
            body: try resolve(bodyTimeout, "MEDIADAEMON_BODY_TIMEOUT", defaults.body),
            idle: try resolve(idleTimeout, "MEDIADAEMON_IDLE_TIMEOUT", defaults.idle))
    }

    func run() async throws {
        let settings: ServeSettings
        do {
            settings = try self.settings()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        try await Daemon(settings: settings).run()
    }
}
