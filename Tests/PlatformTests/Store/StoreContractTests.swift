import Dispatch
import Foundation
import Testing

@testable import Platform

/// The contract every `ObjectStore` backend keeps, run against each: the file-system store in a
/// temporary folder and the S3 store against moto's server (authentication on), each test
/// under a prefix of its own. Expected digests come from `ReferenceSHA256` (sha256sum).
@Suite("Object store contract")
struct StoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case file, s3
        var testDescription: String { rawValue }
    }

    /// The backends this machine can run (S3 needs moto in the test venv).
    static let backends: [Backend] = MotoServer.available ? [.file, .s3] : [.file]

    /// A fresh, empty store of `backend`, and how to remove what a test left.
    static func makeStore(_ backend: Backend, pageSize: Int = 1000) async throws -> (ObjectStore, String) {
        switch backend {
        case .file:
            let directory = FileManager.default.temporaryDirectory.path + "/store-contract-" + UUID().uuidString
            return (try ObjectStore(root: directory + "/store"), directory)
        case .s3:
            let server = try await MotoServer.shared()
            var configuration = try server.configuration()
            configuration.pageSize = pageSize
            return (ObjectStore(.s3(S3Store(configuration))), FileManager.default.temporaryDirectory.path + "/store-contract-" + UUID().uuidString)
        }
    }

    static func bytes(_ count: Int, seed: Int = 0) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: ($0 &+ seed) &* 2_654_435_761 >> 13) })
    }

    @Test(arguments: backends) func putGetHeadListDelete(_ backend: Backend) async throws {
        let (store, scratch) = try await Self.makeStore(backend)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let key = try ObjectKey("media/7/640.webp")
        let data = Self.bytes(5000)
        let written = try store.put(key, data: data)
        #expect(try store.get(key) == data)
        let info = try store.head(key)
        #expect(info.size == 5000)
        #expect(info.etag == (try ReferenceSHA256.hex(data)))
        #expect(written.etag == info.etag)
        #expect(info.contentType == "image/webp")
        #expect(abs(info.modified.timeIntervalSinceNow) < 3600)
        #expect(try store.exists(key))
        #expect(try store.modified(try ObjectKey("media/7/none.webp")) == nil)

        try store.put(try ObjectKey("media/7/hls/index.m3u8"), data: Data("#EXTM3U\n".utf8))
        try store.put(try ObjectKey("media/70/640.webp"), data: Data([1]))
        try store.put(try ObjectKey("originals/ab/abcd"), data: Data([2]))
        #expect(try store.list(prefix: "media/7/").map(\.rawValue) == ["media/7/640.webp", "media/7/hls/index.m3u8"])
        #expect(try store.list(prefix: "media/7").map(\.rawValue) == ["media/7/640.webp", "media/7/hls/index.m3u8", "media/70/640.webp"])
        #expect(try store.list().count == 4)
        #expect(try store.list(prefix: "nothing/here/").isEmpty)
        #expect(throws: StoreError.self) { try store.list(prefix: "../") }

        try store.put(key, data: Data("new".utf8))
        #expect(try store.get(key) == Data("new".utf8))
        #expect(try store.head(key).etag == (try ReferenceSHA256.hex(Data("new".utf8))))

        #expect(try store.delete(key))
        #expect(try !store.delete(key))
        #expect(try !store.exists(key))
        let missing = #expect(throws: StoreError.self) { try store.get(key) }
        #expect(missing?.code == .notFound)
        let missingHead = #expect(throws: StoreError.self) { try store.head(key) }
        #expect(missingHead?.code == .notFound)
        #expect(try store.delete(prefix: "media/7/") == 1)
        #expect(try store.list().map(\.rawValue) == ["media/70/640.webp", "originals/ab/abcd"])
        #expect(throws: StoreError.self) { try store.delete(prefix: "") }
        #expect(try store.delete(prefix: "media/") == 1)
        #expect(try store.delete(prefix: "originals/") == 1)
        #expect(try store.list().isEmpty)
    }

    @Test(arguments: backends) func byteRanges(_ backend: Backend) async throws {
        let (store, scratch) = try await Self.makeStore(backend)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let key = try ObjectKey("media/1/video.mp4")
        let data = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0) })
        try store.put(key, data: data)
        #expect(try store.get(key, range: .closed(first: 0, last: 9)) == data[0..<10])
        #expect(try store.get(key, range: .closed(first: 500, last: 599)) == data[500..<600])
        #expect(try store.get(key, range: .closed(first: 990, last: 5000)) == data[990..<1000])
        #expect(try store.get(key, range: .from(998)) == data[998..<1000])
        #expect(try store.get(key, range: .suffix(3)) == data[997..<1000])
        for range: ByteRange in [.closed(first: 1000, last: 1001), .from(5000), .suffix(0)] {
            let error = #expect(throws: StoreError.self) { try store.get(key, range: range) }
            #expect(error?.code == .rangeNotSatisfiable)
        }
    }

    /// Above the S3 backend's multipart threshold (5 MiB in tests): parts, completion, one digest.
    @Test(arguments: backends) func largeFilesAndLocalCopies(_ backend: Backend) async throws {
        let (store, scratch) = try await Self.makeStore(backend)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let source = scratch + "/source.bin"
        let data = Self.bytes((11 << 20) + 12345)
        try data.write(to: URL(fileURLWithPath: source))
        let digest = try ReferenceSHA256.hex(data)
        let key = try ObjectKey.original(sha256: digest)
        let info = try store.put(key, fromFile: source)
        #expect(info.etag == digest)
        #expect(info.size == Int64(data.count))
        #expect(try store.head(key).etag == digest)
        #expect(try store.head(key).size == Int64(data.count))
        #expect(try store.get(key, range: .closed(first: 5 << 20, last: (5 << 20) + 99)) == data[(5 << 20)..<((5 << 20) + 100)])
        // A pipeline's view: a local file with the object's bytes, gone afterwards.
        let downloads = scratch + "/downloads"
        let (copied, path) = try store.withLocalFile(key, scratchDirectory: downloads) { path in
            (try Data(contentsOf: URL(fileURLWithPath: path)), path)
        }
        #expect(copied == data)
        if backend == .s3 {
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(try store.s3Store?.openUploads().isEmpty == true)
        }
        #expect(try store.delete(key))
    }

    @Test(arguments: backends) func listingAndPrefixDeletionSpanPages(_ backend: Backend) async throws {
        let (store, scratch) = try await Self.makeStore(backend, pageSize: 7)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let keys = try (0..<23).map { try ObjectKey("media/5/hls/seg-\(String(format: "%05d", $0)).m4s") }
        for (index, key) in keys.enumerated() { try store.put(key, data: Data([UInt8(index)])) }
        try store.put(try ObjectKey("media/50/keep.jpg"), data: Data([9]))
        #expect(try store.list(prefix: "media/5/") == keys)
        #expect(try store.delete(prefix: "media/5/") == 23)
        #expect(try store.list().map(\.rawValue) == ["media/50/keep.jpg"])
    }

    @Test(arguments: backends) func putDirectoryPublishesATree(_ backend: Backend) async throws {
        let (store, scratch) = try await Self.makeStore(backend)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let source = scratch + "/output"
        try FileManager.default.createDirectory(atPath: source + "/hls/720p", withIntermediateDirectories: true)
        try Data("#EXTM3U\n".utf8).write(to: URL(fileURLWithPath: source + "/hls/master.m3u8"))
        try Data([0, 1, 2]).write(to: URL(fileURLWithPath: source + "/hls/720p/seg-00001.m4s"))
        try Data([3]).write(to: URL(fileURLWithPath: source + "/poster.jpg"))
        try Data([4]).write(to: URL(fileURLWithPath: source + "/.DS_Store"))
        let written = try store.putDirectory(source, underPrefix: ObjectKey.mediaPrefix(mediaID: 9))
        #expect(written.map(\.key.rawValue) == ["media/9/hls/720p/seg-00001.m4s", "media/9/hls/master.m3u8", "media/9/poster.jpg"])
        #expect(try store.get(try ObjectKey("media/9/hls/720p/seg-00001.m4s")) == Data([0, 1, 2]))
        #expect(written[0].contentType == "video/iso.segment")
        #expect(try store.head(try ObjectKey("media/9/hls/master.m3u8")).contentType == "application/vnd.apple.mpegurl")
        #expect(try store.delete(prefix: "media/9/") == 3)
        #expect(try store.list().isEmpty)
    }

    @Test(arguments: backends) func concurrentPutsOfOneKeyLeaveOneCompleteObject(_ backend: Backend) async throws {
        let (store, scratch) = try await Self.makeStore(backend)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let key = try ObjectKey("media/3/poster.jpg")
        let payloads = (0..<8).map { writer in Data(repeating: UInt8(writer), count: 64 * 1024 + writer) }
        DispatchQueue.concurrentPerform(iterations: payloads.count) { writer in
            _ = try? store.put(key, data: payloads[writer])
        }
        let stored = try store.get(key)
        #expect(payloads.contains(stored))
        #expect(try store.head(key).etag == (try ReferenceSHA256.hex(stored)))
        #expect(try store.list(prefix: "media/3/") == [key])
    }
}
