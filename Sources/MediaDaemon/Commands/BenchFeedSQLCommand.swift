import ArgumentParser
import Platform

/// `mediadaemon bench feed-sql`: prints the statement behind `GET /api/v1/feed` (parameters
/// `$1` reader, `$2`/`$3` cursor, `$4` rows, `$5` celebrity threshold; see `FeedPage` in
/// Platform's `Social/SocialQueries/feed.sql`), so `scripts/bench api` runs the very same SQL
/// with pgbench.
struct BenchFeedSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed-sql",
        abstract: "Print the feed page query ($1 reader, $2/$3 cursor, $4 rows, $5 celebrity threshold).")

    func run() throws {
        print(try FeedService.pageSQL())
    }
}
