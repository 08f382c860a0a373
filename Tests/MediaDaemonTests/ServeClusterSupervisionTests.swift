import Foundation
import Platform
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `serve` on the embedded cluster restarts the cluster when its postmaster dies, and CLI
/// commands never stop a cluster a running `serve` uses.
@Suite("serve supervises its embedded cluster", .serialized)
struct ServeClusterSupervisionTests {
    @Test func aKilledPostmasterIsRestartedAndProcessingResumes() async throws {
        let harness = try ServeHarness(prefix: "md-super")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let (daemon, port) = try await harness.start()
        defer { daemon.signal(SIGTERM) }
        let base = "http://127.0.0.1:\(port)"
        let token = try await harness.token(port: port)
        let photo = try await harness.image("after.jpg")
        let first = try #require(harness.postmaster())

        let killed = ContinuousClock.now
        kill(first, SIGKILL)
        #expect(await harness.eventually(within: 60) { daemon.stderr.contains("embedded PostgreSQL restarted") }, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("embedded PostgreSQL postmaster is gone; restarting the cluster"))
        #expect(try await harness.eventually(within: 60) { try await harness.curl([base + "/readyz"]).status == 200 })
        let ready = ContinuousClock.now - killed
        let second = try #require(harness.postmaster())
        #expect(second != first)

        // The new postmaster, started while serve listens, holds nothing of serve's HTTP socket.
        let inode = try #require(ProcFS.listeningInode(port: port))
        #expect(!ProcFS.descriptors(of: second).values.contains("socket:[\(inode)]"))

        // The pool reconnected and the queue runs: an upload is processed to the end.
        let upload = try await harness.curl(["-H", "Authorization: Bearer \(token)", "-F", "media=@\(photo)", base + "/api/v1/posts"])
        #expect(upload.status == 201, "\(String(decoding: upload.body, as: UTF8.self))")
        let processed = try await harness.eventually(within: 120) {
            let listed = try await DaemonProcess.run(["media", "list", "--data", harness.data], directory: harness.directory)
            return listed.stdout.contains(#""status":"ready""#)
        }
        #expect(processed)
        let resumed = ContinuousClock.now - killed
        print("postmaster killed: /readyz 200 after \(ready), a new upload ready after \(resumed)")
        // `media list` above ran against the cluster serve uses and left its postmaster alone.
        #expect(harness.postmaster() == second)
        #expect(try await harness.curl([base + "/readyz"]).status == 200)

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit().status == 0)
        // serve started the cluster; it stops it.
        #expect(harness.postmaster() == nil)
    }

    @Test func aCLICommandLeavesRunningTheClusterItStartedWhenAServeUsesIt() async throws {
        let harness = try ServeHarness(prefix: "md-cli")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let pg = harness.data + "/pg"
        // Control: with no serve, a command that starts the cluster stops it again.
        let alone = try await DaemonProcess.run(["jobs", "list", "--data", harness.data], directory: harness.directory)
        #expect(alone.status == 0, "\(alone.stderr)")
        #expect(harness.postmaster() == nil)

        // A serve's claim (the lock it holds while it runs): the command leaves the cluster up.
        let claim = try ClusterUseLock.shared(clusterDirectory: pg)
        let shared = try await DaemonProcess.run(["jobs", "list", "--data", harness.data], directory: harness.directory)
        #expect(shared.status == 0, "\(shared.stderr)")
        let running = try #require(harness.postmaster())
        let refused = try await DaemonProcess.run(["db", "stop", "--data", harness.data], directory: harness.directory)
        #expect(refused.status != 0 && harness.postmaster() == running, "\(refused.stderr)")
        claim.release()

        let stopped = try await DaemonProcess.run(["db", "stop", "--data", harness.data], directory: harness.directory)
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(harness.postmaster() == nil)
    }
}
