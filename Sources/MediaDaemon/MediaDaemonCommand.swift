import ArgumentParser

/// `mediadaemon`: the media back end's daemon and operator CLI (entered through `MediaDaemonMain`).
struct MediaDaemonCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "mediadaemon",
        abstract: "Media pipeline daemon: job queue, photo and video processing, and the services around them.",
        discussion: """
            With no DATABASE_URL, mediadaemon runs a private PostgreSQL cluster under its data \
            directory (default ./.mediadaemon). Configuration: flags, then environment, then defaults.
            """,
        version: version,
        subcommands: [ServeCommand.self, MigrateCommand.self, BackupCommand.self, RestoreCommand.self, DBCommand.self, ProcessCommand.self, HashCommand.self, EnqueueCommand.self, JobsCommand.self, BenchCommand.self, MediaCommand.self, ReprocessCommand.self, VerifyCommand.self, WorkerCommand.self, UsersCommand.self, ModerationCommand.self, BlocklistCommand.self],
        defaultSubcommand: nil
    )

}
