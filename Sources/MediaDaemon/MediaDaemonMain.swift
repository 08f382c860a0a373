import ArgumentParser
import Dispatch
import Glibc

/// The process's entry point.
///
/// `mediadaemon worker` (a child of `serve` or `process --isolated`) is parsed and run right
/// here, synchronously on the main thread, while the process has that one thread: its sandbox
/// (identity, no_new_privs, Landlock, seccomp) is set up before the async runtime, Dispatch or
/// anything else starts a thread, so every thread of the child inherits it. Landlock's
/// restrict_self and PR_SET_NO_NEW_PRIVS apply to the calling thread only, and an async `main`
/// runs on a Dispatch thread after the main thread has left (`dispatch_main` ends it): set up
/// there, the sandbox missed the process's main thread.
///
/// Before anything else, the process may turn out to be `serve`'s crash backtracer launcher, or
/// `serve` re-executing itself with its backtracer setting (`BacktraceSetting`). Every other
/// command runs `MediaDaemonCommand` on the async runtime, as `@main` on it would.
@main
enum MediaDaemonMain {
    static func main() {
        BacktraceSetting.launchBacktracerIfAsked()
        BacktraceSetting.applyToServe()
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == WorkerCommand.configuration.commandName {
            WorkerCommand.runOnMainThread(Array(arguments.dropFirst()))
        }
        Task {
            await MediaDaemonCommand.main()
            exit(0)
        }
        dispatchMain()
    }
}
