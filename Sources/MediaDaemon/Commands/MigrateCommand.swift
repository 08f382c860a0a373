import ArgumentParser
import Logging
import Platform

/// `mediadaemon migrate`: apply pending schema migrations (the daemon also does at start).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations, or show their status.",
        discussion: "Safe to run while daemons run and from several machines at once: an advisory lock serialises migrators."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Only print applied and pending migrations; change nothing (exit 1 when not up to date).")
    var status = false

    func run() async throws {
        let configuration = try options.resolve()
        DaemonLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "mediadaemon.migrate")
        let database = try DatabaseHandle.open(configuration, logger: logger)
        defer { try? database.close() }
        let pool = try DatabasePool(url: database.url, size: 1, logger: logger)
        let migrator = try Migrator(logger: logger)
        do {
            if status {
                let state = try await migrator.status(pool)
                print("applied: \(state.applied.map(String.init).joined(separator: " "))")
                print("pending: \(state.pending.map(String.init).joined(separator: " "))")
                if !state.changed.isEmpty { print("changed since applied: \(state.changed)") }
                await pool.close()
                if !state.isUpToDate { throw ExitCode(1) }
                return
            }
            let applied = try await migrator.migrate(pool)
            print(applied.isEmpty ? "up to date" : "applied \(applied.map(String.init).joined(separator: ", "))")
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
