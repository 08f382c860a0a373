import ArgumentParser
import Platform

/// `mediadaemon bench search-sql users|tags|tag-posts`: prints the statement behind
/// `GET /api/v1/search/users`, `/search/tags` or `/tags/{tag}/posts` (parameters as described
/// in Platform's `Social/SocialQueries/tags.sql`), so `scripts/bench search` runs the very
/// same SQL with pgbench.
struct BenchSearchSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-sql", abstract: "Print a search statement (users, tags or tag-posts).")

    @Argument(help: "users, tags or tag-posts.") var statement: String

    func run() throws {
        guard let sql = try SearchService.statementSQL(statement) else {
            throw ValidationError("the statement is users, tags or tag-posts")
        }
        print(sql)
    }
}
