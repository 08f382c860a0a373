public import Foundation

/// Reports of posts and users (statements in `SocialQueries/reports.sql`, states in migration
/// 0024): one per reporter and target; a post reported by `threshold` distinct users whose
/// accounts are at least `minimumAccountAge` old is hidden pending review.
public struct ReportService: Sendable {
    let pool: DatabasePool
    let configuration: Configuration

    /// When reports hide a post.
    public struct Configuration: Sendable {
        /// Distinct reporters that hide a post (at least 1).
        public var threshold: Int
        /// Reporters count only when their account is at least this old, so accounts made for
        /// the purpose cannot hide posts.
        public var minimumAccountAge: Duration

        /// Defaults: 5 reporters, accounts a week old.
        public init(threshold: Int = 5, minimumAccountAge: Duration = .seconds(7 * 86_400)) {
            self.threshold = threshold
            self.minimumAccountAge = minimumAccountAge
        }

        /// Throws when the threshold is below 1 or the age negative.
        public func validate() throws {
            guard threshold >= 1 else { throw SocialError(.invalid, "invalid_configuration", "the report threshold must be at least 1") }
            guard minimumAccountAge >= .zero else {
                throw SocialError(.invalid, "invalid_configuration", "the minimum account age must not be negative")
            }
        }
    }

    /// What a report did.
    public struct Outcome: Sendable, Equatable {
        /// False when the reporter had reported the target already (the first report stands).
        public var recorded: Bool
        /// True when this report hid the post.
        public var hidPost: Bool
    }

    /// A service on `pool`.
    public init(pool: DatabasePool, configuration: Configuration = Configuration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// Reports a post: 404 for an unknown or deleted post, 403 `own_content` for the author's
    /// own. Hides the post when this report brings it to the threshold (see the type). `now`
    /// pins the clock the account ages are measured by (nil: the database's).
    public func report(post postID: Int64, by reporter: Int64, reason: ReportReason, now: Date? = nil) async throws -> Outcome {
        let configuration = configuration
        return try await pool.transaction { connection in
            // Locked so that concurrent reports of the post see each other when they count.
            guard let row = try connection.query(SocialQuery.lockReportedPost, [postID]).first else {
                throw SocialError.notFound("post")
            }
            guard try row["user_id", as: Int64.self] != reporter else {
                throw SocialError(.forbidden, "own_content", "you cannot report your own post")
            }
            let inserted = try connection.query(SocialQuery.insertReport, [reporter, "post", postID, reason.rawValue])
            guard !inserted.isEmpty else { return Outcome(recorded: false, hidPost: false) }
            let seconds = Double(configuration.minimumAccountAge.components.seconds)
            let hidden = try connection.query(
                SocialQuery.hidePostIfReported, [postID, Int64(configuration.threshold), seconds, now])
            // Out of the timelines, as a deleted post: a page reads a timeline's rows before
            // it filters, so a hidden row left there would shorten pages.
            if !hidden.isEmpty { try connection.query(SocialQuery.deletePostFromTimelines, [postID]) }
            return Outcome(recorded: true, hidPost: !hidden.isEmpty)
        }
    }

    /// Reports a user: 404 for an unknown user, 403 `own_content` for oneself.
    public func report(user userID: Int64, by reporter: Int64, reason: ReportReason) async throws -> Outcome {
        guard userID != reporter else { throw SocialError(.forbidden, "own_content", "you cannot report yourself") }
        return try await pool.transaction { connection in
            guard !(try connection.query(SocialQuery.userExists, [userID])).isEmpty else {
                throw SocialError.notFound("user")
            }
            let inserted = try connection.query(SocialQuery.insertReport, [reporter, "user", userID, reason.rawValue])
            return Outcome(recorded: !inserted.isEmpty, hidPost: false)
        }
    }
}
