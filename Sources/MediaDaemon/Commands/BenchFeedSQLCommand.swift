import ArgumentParser
import Platform

/// `mediadaemon bench feed-sql`: prints the statement behind `GET /api/v1/feed` (parameters
/// `$1` reader, `$2`/`$3` cursor; see `FeedService.pageSQL`), so `scripts/bench api` runs the
/// very same SQL with pgbench.
struct BenchFeedSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed-sql", abstract: "Print the feed page query ($1 reader, $2/$3 cursor).")

    @Option(help: "Rows the query fetches (a page of 20 fetches 21).")
    var rows = 21

    @Option(help: "Followers at which authors are merged at read time.")
    var celebrityFollowers: Int64 = 10_000

    func validate() throws {
        guard (2...101).contains(rows) else { throw ValidationError("--rows must be 2...101") }
        guard celebrityFollowers >= 1 else { throw ValidationError("--celebrity-followers must be at least 1") }
    }

    func run() {
        print(FeedService.pageSQL(rows: rows, celebrityThreshold: celebrityFollowers))
    }
}
