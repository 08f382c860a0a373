import ArgumentParser
import Platform

/// `mediadaemon bench feed-sql`: prints the statement behind `GET /api/v1/feed` (parameters
/// `$1` reader, `$2`/`$3` cursor, `$4` rows, `$5` celebrity threshold; see `FeedPage` in
/// Platform's `Social/SocialQueries/feed.sql`), with `--session` the bearer token look-up
/// (`SessionUser` in `users.sql`), or with `--with-session` both in one statement
/// (`SessionFeedPage`), which the request runs when neither its session nor its page is
/// cached, so `scripts/bench api` runs the very same SQL with pgbench.
struct BenchFeedSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed-sql",
        abstract: "Print the feed page query ($1 reader, $2/$3 cursor, $4 rows, $5 celebrity threshold).")

    @Flag(help: "Print the session look-up instead ($1 token hash, $2 maximum age s, $3 idle age s, $4 now).")
    var session = false

    @Flag(
        help: """
            Print the session look-up and page in one statement instead, as a request that finds \
            neither cached runs it ($1-$4 as --session's, $5/$6 cursor, $7 rows, $8 celebrity threshold).
            """)
    var withSession = false

    func run() throws {
        print(try session ? UserService.sessionSQL() : FeedService.pageSQL(session: withSession))
    }
}
