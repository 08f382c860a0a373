import CSeccomp
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How `serve`'s own crash backtracer is configured (`SWIFT_BACKTRACE`), and the launcher that
/// keeps it from outliving the crash.
///
/// On a crash the Swift runtime starts `swift-backtrace` and the crashed process waits for it.
/// Its defaults make it interactive on a terminal (a prompt that waits 30 s) and fully
/// symbolicating, which on a debug build of this program takes tens of seconds; all that time
/// the port stays bound and nothing restarts. Worse, when the crashed process is killed
/// meanwhile (a supervisor's SIGKILL), the backtracer blocks for ever on its memory-server
/// socket, whose other end it inherited too. The daemon's default is a non-interactive trace of
/// the crashed thread with symbol names (no inline frames or line numbers) to standard error,
/// and the runtime starts this executable in place of `swift-backtrace` (the `swift-backtrace=`
/// key): it arms SIGKILL on its parent's death and a 10 s alarm, both of which survive
/// `execve`, then becomes the real backtracer. An operator's own `SWIFT_BACKTRACE` is kept as
/// it is. Worker children run with `enable=no` (WorkerPool).
///
/// The runtime reads the variable once, at process start, so `serve` started without it
/// re-executes itself once, with it set, before doing anything else (same pid, same arguments).
enum BacktraceSetting {
    static let variable = "SWIFT_BACKTRACE"
    static let daemonDefault =
        "enable=yes,interactive=no,timeout=0s,symbolicate=fast,threads=crashed,images=mentioned,output-to=stderr"
    /// The longest a backtrace may take before the launcher's alarm ends it.
    static let budgetSeconds: UInt32 = 10

    /// For `serve` without `SWIFT_BACKTRACE`: replaces this process with itself, the variable
    /// set. Returns (changing nothing else) for other commands, when the variable is set, or
    /// when the re-execution fails, in which case the runtime's defaults stay in force.
    static func applyToServe(arguments: [String] = CommandLine.arguments) {
        guard arguments.count > 1, arguments[1] == "serve", getenv(variable) == nil else { return }
        // Without the real backtracer to hand over to, the launcher would only fail: skip it.
        let executable = ownExecutable()
        let launcher = realBacktracer() == nil ? "" : ",swift-backtrace=\(executable)"
        guard setenv(variable, daemonDefault + launcher, 1) == 0 else { return }
        let argv = arguments.map { strdup($0) } + [nil]
        execv(executable, argv)
        // Still here: the exec failed. Unset it again, so the environment tells the truth.
        unsetenv(variable)
        argv.forEach { free($0) }
    }

    /// When the runtime started this executable as its backtracer (argv[0] `swift-backtrace`
    /// and a `--crashinfo` argument): bounds its life and becomes the real one. Never returns
    /// then (exits 1 when it cannot, and the crashed process crashes without a trace).
    static func launchBacktracerIfAsked(arguments: [String] = CommandLine.arguments) {
        guard arguments.first == "swift-backtrace", arguments.contains("--crashinfo") else { return }
        // Dies with the crashed process (the parent thread waits in the crash handler).
        guard CSeccomp_parent_death_signal(SIGKILL) == 0, getppid() != 1, let real = realBacktracer() else { _exit(1) }
        alarm(budgetSeconds)
        let argv = arguments.map { strdup($0) } + [nil]
        execv(real, argv)
        _exit(1)
    }

    /// This executable's path, so the process keeps its name (`/proc/self/exe` would name it
    /// "exe" in ps and in backtraces); the link itself when the file was replaced since.
    static func ownExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "/proc/self/exe" }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.hasSuffix(" (deleted)") || access(path, X_OK) != 0 || path.contains(",") ? "/proc/self/exe" : path
    }

    /// Where the runtime would find `swift-backtrace`: `libexec/swift/linux/` beside the
    /// `lib/swift/linux/` holding the loaded `libswiftCore.so`.
    static func realBacktracer() -> String? {
        // Read to the end: /proc files report size 0, and a sized read stops after one page.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        defer { try? handle.close() }
        let maps = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        guard let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
            let slash = line.firstIndex(of: "/")
        else { return nil }
        let library = URL(fileURLWithPath: String(line[slash...]))
        let path = library.deletingLastPathComponent()  // lib/swift/linux
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("libexec/swift/linux/swift-backtrace").path
        return access(path, X_OK) == 0 ? path : nil
    }
}
