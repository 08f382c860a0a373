import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How `serve`'s own crash backtracer is configured (`SWIFT_BACKTRACE`).
///
/// On a crash the Swift runtime starts `swift-backtrace` and the crashed process waits for it.
/// Its defaults make it interactive on a terminal (a prompt that waits 30 s) and fully
/// symbolicating, which on a debug build of this program takes tens of seconds; all that time
/// the port stays bound and nothing restarts. The daemon's default is a non-interactive trace
/// of the crashed thread with symbol names (no inline frames or line numbers) to standard
/// error: a second or so, and still enough to find the fault. An operator's own
/// `SWIFT_BACKTRACE` is kept as it is. Worker children run with `enable=no` (WorkerPool).
///
/// The runtime reads the variable once, at process start, so `serve` started without it
/// re-executes itself once, with it set, before doing anything else (same pid, same arguments).
enum BacktraceSetting {
    static let variable = "SWIFT_BACKTRACE"
    static let daemonDefault =
        "enable=yes,interactive=no,timeout=0s,symbolicate=fast,threads=crashed,images=mentioned,output-to=stderr"

    /// For `serve` without `SWIFT_BACKTRACE`: replaces this process with itself, the variable
    /// set. Returns (changing nothing else) for other commands, when the variable is set, or
    /// when the re-execution fails, in which case the runtime's defaults stay in force.
    static func applyToServe(arguments: [String] = CommandLine.arguments) {
        guard arguments.count > 1, arguments[1] == "serve", getenv(variable) == nil else { return }
        guard setenv(variable, daemonDefault, 1) == 0 else { return }
        let argv = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", argv)
        // Still here: the exec failed. Unset it again, so the environment tells the truth.
        unsetenv(variable)
        argv.forEach { free($0) }
    }
}
