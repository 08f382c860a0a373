import Foundation
import Testing

@testable import Platform

/// The S3 store against moto behind `FaultProxy`: 503 storms and resets are retried, 4xx never
/// is, a wrong secret key is refused, an interrupted multipart upload (moto paused with
/// SIGSTOP mid-upload) is retried and completes, a failed one is aborted, and the sweep
/// leaves no open upload behind. Each test runs its own moto (SIGSTOP must not touch others).
@Suite("S3 store faults", .enabled(if: MotoServer.available, "moto is not in the test venv (scripts/setup --tests)"))
struct S3FaultTests {
    let server: MotoServer
    let proxy: FaultProxy
    let scratch = FileManager.default.temporaryDirectory.path + "/s3-faults-" + UUID().uuidString

    init() async throws {
        server = try await MotoServer.start()
        proxy = try FaultProxy(upstream: server.endpoint)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    /// A store reaching moto through the proxy; `timeout` bounds a stalled request.
    func store(timeout: Duration = .seconds(30), attempts: Int = 8) throws -> S3Store {
        var configuration = try server.configuration(endpoint: proxy.endpoint)
        configuration.requestTimeout = timeout
        configuration.retry.attempts = attempts
        return S3Store(configuration)
    }

    func file(_ size: Int) throws -> (String, Data) {
        let path = scratch + "/" + UUID().uuidString
        let data = StoreContractTests.bytes(size, seed: size)
        try data.write(to: URL(fileURLWithPath: path))
        return (path, data)
    }

    @Test func aWrongSecretKeyIsRefused() throws {
        let honest = S3Store(try server.configuration())
        let key = try ObjectKey("media/1/a.jpg")
        try honest.put(key, data: Data([1, 2, 3]))
        let forged = S3Store(try server.configuration(prefix: honest.configuration.prefix, secret: "not-the-secret"))
        let error = #expect(throws: StoreError.self) { try forged.get(key) }
        #expect(error?.code == .refused)
        let put = #expect(throws: StoreError.self) { try forged.put(key, data: Data([9])) }
        #expect(put?.code == .refused)
        #expect(try honest.get(key) == Data([1, 2, 3]))
    }

    @Test func slowDownStormsAndResetsAreRetried() throws {
        let store = try store()
        let key = try ObjectKey("media/2/a.webp")
        proxy.inject(.slowDown, count: 4)
        proxy.inject(.reset, count: 2)
        let info = try store.put(key, data: Data("payload".utf8))
        #expect(info.etag == (try ReferenceSHA256.hex(Data("payload".utf8))))
        #expect(proxy.pendingFaults == 0)
        #expect(proxy.seen.filter { $0.hasPrefix("PUT ") }.count == 7)
        proxy.inject(.slowDown, count: 3, matching: { $0.hasPrefix("GET ") })
        #expect(try store.get(key) == Data("payload".utf8))
    }

    @Test func clientErrorsAreNeverRetried() throws {
        let store = try store()
        proxy.inject(.status(403, "AccessDenied"), count: 5)
        let error = #expect(throws: StoreError.self) { try store.put(try ObjectKey("media/3/a.jpg"), data: Data([1])) }
        #expect(error?.code == .refused)
        #expect(proxy.seen.count == 1)
        #expect(proxy.pendingFaults == 4)
    }

    @Test func persistentFailureGivesUpAsUnavailable() throws {
        let store = try store(attempts: 3)
        proxy.inject(.slowDown, count: 3)
        let error = #expect(throws: StoreError.self) { try store.put(try ObjectKey("media/4/a.jpg"), data: Data([1])) }
        #expect(error?.code == .unavailable)
        #expect(proxy.seen.count == 3)
    }

    /// Parts hit by storms, resets and a lost completion answer still make one whole object.
    @Test func multipartPartsAreRetriedOnTheirOwn() throws {
        let store = try store()
        let (path, data) = try file((12 << 20) + 7)
        proxy.inject(.slowDown, count: 3, matching: { $0.contains("partNumber=2") })
        proxy.inject(.reset, count: 2, matching: { $0.contains("partNumber=3") })
        proxy.inject(.resetAfterForwarding, count: 1, matching: { $0.hasPrefix("POST ") && $0.contains("uploadId=") })
        let key = try ObjectKey("media/5/video.mp4")
        let info = try store.put(key, fromFile: path)
        #expect(info.etag == (try ReferenceSHA256.hex(data)))
        #expect(proxy.pendingFaults == 0)
        #expect(try store.get(key) == data)
        #expect(try store.openUploads().isEmpty)
    }

    /// moto frozen (SIGSTOP) as the second part reaches it: the part's request times out and
    /// is retried until moto runs again (SIGCONT); the upload completes with every byte.
    @Test func anUploadInterruptedByAPausedServerCompletes() async throws {
        let store = try store(timeout: .seconds(2), attempts: 1000)
        let (path, data) = try file((11 << 20) + 3)
        let key = try ObjectKey("media/6/video.mp4")
        let server = self.server
        proxy.inject(.before { server.pause() }, matching: { $0.contains("partNumber=2") })
        let upload = Task.detached { try store.put(key, fromFile: path) }
        // Retried at least twice while moto is frozen: the interruption was seen and survived.
        try await awaitCondition("the second part retried") { proxy.seen.filter { $0.contains("partNumber=2") }.count >= 3 }
        server.resume()
        let info = try await upload.value
        #expect(info.etag == (try ReferenceSHA256.hex(data)))
        #expect(try store.get(key) == data)
        #expect(try store.head(key).size == Int64(data.count))
        #expect(try store.openUploads().isEmpty)
    }

    /// A part that keeps failing aborts its upload; an upload whose abort was lost too (a
    /// crash) is what the sweep aborts. Nothing stays open and no object appears.
    @Test func failedUploadsAreAbortedAndTheSweepRemovesOrphans() throws {
        let store = try store(attempts: 2)
        let (path, _) = try file((6 << 20) + 1)
        let first = try ObjectKey("media/7/a.mp4")
        proxy.inject(.slowDown, count: 2, matching: { $0.contains("partNumber=2") })
        let error = #expect(throws: StoreError.self) { try store.put(first, fromFile: path) }
        #expect(error?.code == .unavailable)
        #expect(proxy.seen.contains { $0.hasPrefix("DELETE ") && $0.contains("uploadId=") })
        #expect(try store.openUploads().isEmpty)
        #expect(try store.modified(first) == nil)

        // Now the abort is lost as well: the upload stays open until the sweep.
        let second = try ObjectKey("media/7/b.mp4")
        proxy.inject(.slowDown, count: 2, matching: { $0.contains("partNumber=2") })
        proxy.inject(.slowDown, count: 2, matching: { $0.hasPrefix("DELETE ") })
        #expect(throws: StoreError.self) { try store.put(second, fromFile: path) }
        #expect(try store.openUploads() == [store.name(second)])
        // The sweep leaves uploads initiated after its bound alone and aborts older ones. (moto
        // reports every upload as initiated at 2010-11-10T20:48:33Z, so the bounds sit around that.)
        #expect(try store.sweepUploads(initiatedBefore: Date(timeIntervalSince1970: 1_289_000_000)) == 0)
        #expect(try store.openUploads().count == 1)
        #expect(try store.sweepUploads(initiatedBefore: Date()) == 1)
        #expect(try store.openUploads().isEmpty)
        #expect(try store.list(prefix: "media/7/").isEmpty)
    }
}
