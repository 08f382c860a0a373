/// Settings of the embedded HTTP services; defaults match DESIGN.md.
public struct HTTPConfiguration: Sendable {
    /// Address to bind.
    public var host: String
    /// Port to bind (`MEDIADAEMON_PORT`); 0 picks a free one.
    public var port: Int
    /// Largest photo upload, in bytes. The photo preset's `limits.max_bytes` owns this limit:
    /// the composition root copies it here, so an upload the pipeline would refuse is a 413.
    public var maximumPhotoBytes: Int64
    /// Largest video upload, in bytes: the video preset's `limits.max_bytes`.
    public var maximumVideoBytes: Int64
    /// Largest caption, in bytes.
    public var maximumCaptionBytes: Int
    /// Which uploads are photos, videos or refused: the media libraries' format table, given
    /// by the composition root.
    public var mediaSniffer: MediaSniffer
    /// Directory for uploads in flight (spooled before they go into the store).
    public var uploadDirectory: String
    /// Header, body and idle timeouts of a connection.
    public var timeouts: HTTPTimeouts
    /// Most connections open at once; one past it is closed as soon as it is accepted.
    public var maximumConnections: Int
    /// Follower threshold, timeline length, bcrypt cost.
    public var social: SocialConfiguration
    /// Coalescing windows, stream caps and heartbeats, retention, like folding.
    public var notifications = NotificationConfiguration()
    /// How many reporters, and how old their accounts, hide a post.
    public var reports = ReportService.Configuration()
    /// Per-user limits on uploads.
    public var uploadLimit: RateLimit
    /// Per-user limits on likes.
    public var likeLimit: RateLimit
    /// Per-user limits on comments.
    public var commentLimit: RateLimit
    /// Per-post limits on comments (all commenters together).
    public var commentPostLimit: RateLimit
    /// Per-user limits on follows and unfollows.
    public var followLimit: RateLimit
    /// Limits on registrations, per client address and per username.
    public var registerLimit: RateLimit
    /// Limits on log-ins, per client address and per username (failures also back off, see
    /// `SocialConfiguration.loginThrottle`).
    public var loginLimit: RateLimit
    /// Peers whose `X-Forwarded-For` names the client (exact IP addresses); the address of any
    /// other peer is the client's.
    public var trustedProxies: Set<String>
    /// The operator token (from the environment or a file, never a flag): a bearer token, or a
    /// log-in on the operator page, that opens `/admin`. Nil: only users with the operator role.
    public var operatorToken: String?
    /// Serve `/admin` on this port (of `host`) instead of the API's; nil: on the API's port.
    public var adminPort: Int?
    /// With an S3 store, `GET /media/…` answers 302 to a presigned URL of the object valid this
    /// long instead of proxying its bytes; nil (the default) proxies. No effect on a
    /// file-system store, which always serves the bytes.
    public var mediaRedirectLifetime: Duration? = nil
    /// Where API payloads say renditions are (`--public-media-url`; default `/media/`).
    public var mediaLinks = MediaLinks()

    /// The upload limits come from the presets (no default here, so there is one source).
    /// Defaults: 127.0.0.1:8080, uploads spooled in the temporary directory, the timeouts of
    /// `HTTPTimeouts()`, 1024 connections, 10 uploads then 30 a minute, 60 likes then 300 a
    /// minute, 20 comments then 60 a minute per user and 60 then 120 per post, 30 follows then
    /// 60 a minute, 10 registrations then 10 a minute and 20 log-ins then 30 a minute per
    /// address and per username, no proxy.
    public init(
        mediaSniffer: MediaSniffer, maximumPhotoBytes: Int64, maximumVideoBytes: Int64,
        host: String = "127.0.0.1", port: Int = 8080,
        maximumCaptionBytes: Int = 16 * 1024, uploadDirectory: String = "/tmp",
        timeouts: HTTPTimeouts = HTTPTimeouts(), maximumConnections: Int = 1024,
        social: SocialConfiguration = SocialConfiguration(),
        uploadLimit: RateLimit = RateLimit(burst: 10, perMinute: 30),
        likeLimit: RateLimit = RateLimit(burst: 60, perMinute: 300),
        commentLimit: RateLimit = RateLimit(burst: 20, perMinute: 60),
        commentPostLimit: RateLimit = RateLimit(burst: 60, perMinute: 120),
        followLimit: RateLimit = RateLimit(burst: 30, perMinute: 60),
        registerLimit: RateLimit = RateLimit(burst: 10, perMinute: 10),
        loginLimit: RateLimit = RateLimit(burst: 20, perMinute: 30),
        trustedProxies: Set<String> = []
    ) {
        self.mediaSniffer = mediaSniffer
        self.commentPostLimit = commentPostLimit
        self.followLimit = followLimit
        self.registerLimit = registerLimit
        self.loginLimit = loginLimit
        self.trustedProxies = trustedProxies
        self.host = host
        self.port = port
        self.maximumPhotoBytes = maximumPhotoBytes
        self.maximumVideoBytes = maximumVideoBytes
        self.maximumCaptionBytes = maximumCaptionBytes
        self.uploadDirectory = uploadDirectory
        self.timeouts = timeouts
        self.maximumConnections = maximumConnections
        self.social = social
        self.uploadLimit = uploadLimit
        self.likeLimit = likeLimit
        self.commentLimit = commentLimit
    }
}

/// A token bucket: `burst` actions at once, refilled at `perMinute`.
public struct RateLimit: Sendable, Hashable {
    /// Bucket size.
    public var burst: Int
    /// Refill rate, in actions per minute.
    public var perMinute: Int

    /// A limit of `burst` at once and `perMinute` sustained.
    public init(burst: Int, perMinute: Int) {
        self.burst = burst
        self.perMinute = perMinute
    }
}
