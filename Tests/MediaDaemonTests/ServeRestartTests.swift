import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `serve` can be started again at once after it crashed: its listening socket is
/// close-on-exec, so the Swift runtime's crash backtracer (which it spawns with everything
/// inheritable) cannot keep the port bound, and the backtracer is configured non-interactive,
/// quick and dying with serve even when nobody set SWIFT_BACKTRACE.
@Suite("serve restarts at once after a crash", .serialized)
struct ServeRestartTests {
    @Test func theListenerIsCloseOnExecAndACrashedServesPortIsFreeAtOnce() async throws {
        let harness = try ServeHarness(prefix: "md-restart")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let (daemon, port) = try await harness.start(unsetting: ["SWIFT_BACKTRACE"])

        // Started without the variable, serve runs with a non-interactive backtracer.
        let environment = ProcFS.text("/proc/\(daemon.pid)/environ").split(separator: "\0")
        let setting = try #require(environment.first { $0.hasPrefix("SWIFT_BACKTRACE=") }, "\(environment)")
        #expect(setting.contains("enable=yes") && setting.contains("interactive=no"), "\(setting)")

        // The listening socket's descriptor flags carry O_CLOEXEC (octal 02000000), and so do
        // those of every other descriptor serve holds but its standard ones: PostgreSQL
        // connections, the cluster lock, NIO's event descriptors… (Hummingbird logs "listening"
        // just before serve marks them: wait for it.)
        let inode = try #require(ProcFS.listeningInode(port: port))
        let held = ProcFS.descriptors(of: daemon.pid)
        let listener = try #require(held.first { $0.value == "socket:[\(inode)]" }?.key, "\(held)")
        func inheritable() -> [Int: String] {
            ProcFS.descriptors(of: daemon.pid).filter { number, _ in
                guard number > 2, let flags = ProcFS.descriptorFlags(of: daemon.pid, number) else { return false }
                return flags & 0o2000000 == 0
            }
        }
        #expect(await harness.eventually(within: 60) { inheritable().isEmpty }, "\(inheritable())")
        #expect(ProcFS.descriptorFlags(of: daemon.pid, listener).map { $0 & 0o2000000 != 0 } == true)
        #expect(held.values.contains { $0.hasSuffix("/pg/serve.lock") }, "\(held)")

        // A crash signal starts the runtime's backtracer as serve's child (serve first writes
        // "Backtracing from" to its standard error). Serve killed while it runs, the backtracer
        // must die too (else it blocks for ever on its memory-server socket, holding whatever it
        // inherited), and the port must be free at once: a new serve binds it. A quick
        // backtracer may come and go between two looks; then what it held is judged by the
        // restart alone.
        daemon.signal(SIGILL)
        var backtracer: pid_t?
        // Named swift-backtrace once it runs the real one; before, it is serve's own executable
        // started as `swift-backtrace` (the launcher), which a loaded machine may show for a while.
        func findBacktracer() -> pid_t? {
            ProcFS.namedChildren(of: daemon.pid).first { child in
                child.name == "swift-backtrace"
                    || ProcFS.text("/proc/\(child.pid)/cmdline").split(separator: "\0").first == "swift-backtrace"
            }?.pid
        }
        let began = await harness.eventually(within: 60) {
            backtracer = findBacktracer()
            return backtracer != nil || daemon.stderr.contains("Backtracing from")
        }
        #expect(began, "\(daemon.stderr)")
        if backtracer == nil {
            _ = await harness.eventually(within: 2) {
                backtracer = findBacktracer()
                return backtracer != nil
            }
        }
        // Should the backtracer outlive serve after all, it would never exit; nor does the cluster.
        defer {
            if let backtracer { kill(backtracer, SIGKILL) }
            if let postmaster = harness.postmaster() { kill(postmaster, SIGTERM) }
        }
        if let backtracer {
            // The launcher execs the real backtracer with its arguments; a loaded machine may
            // show the launcher's own for a while, and a quick one may have finished.
            var arguments: [String] = []
            _ = await harness.eventually(within: 60) {
                arguments = ProcFS.text("/proc/\(backtracer)/cmdline").split(separator: "\0").map(String.init)
                return arguments.contains("--interactive") || ProcFS.isGone(backtracer)
            }
            if !ProcFS.isGone(backtracer) {
                #expect(arguments.contains("--interactive") && arguments.contains("false"), "\(arguments)")
                #expect(!ProcFS.descriptors(of: backtracer).values.contains("socket:[\(inode)]"))
            }
        }
        daemon.signal(SIGKILL)
        #expect(await harness.eventually(within: 60) { ProcFS.isGone(daemon.pid) })
        // It does not outlive the crashed process: its launcher armed SIGKILL on that death.
        if let backtracer { #expect(await harness.eventually(within: 30) { ProcFS.isGone(backtracer) }) }

        let (again, againPort) = try await harness.start(port: port)
        #expect(againPort == port)
        #expect(!again.stderr.contains("Address already in use"), "\(again.stderr)")
        again.signal(SIGTERM)
        _ = await again.waitForExit()
        // The first serve's cluster outlived it and the second adopted it: stop it here.
        let stopped = try await DaemonProcess.run(["db", "stop", "--data", harness.data], directory: harness.directory)
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }
}
