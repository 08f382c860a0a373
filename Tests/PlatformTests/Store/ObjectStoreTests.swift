import Dispatch
import Foundation
import Testing

@testable import Platform

@Suite("Object store")
final class ObjectStoreTests {
    let directory: String
    let store: FileStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/store-tests-" + UUID().uuidString
        store = try FileStore(root: directory)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every file under the store's root whose name marks an in-flight write.
    /// `.tmp-*` files left in the store (the folder of the writers' lock files is not one).
    func temporaryFiles() -> [String] {
        let owners = LeftoverOwner.directoryName
        return (FileManager.default.subpaths(atPath: directory) ?? []).filter {
            ($0.split(separator: "/").last ?? "").hasPrefix(".tmp-") && $0 != owners && !$0.hasPrefix(owners + "/")
        }
    }

    @Test func putGetHeadDeleteListRoundTrip() throws {
        let key = try ObjectKey("media/7/640.webp")
        let data = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let written = try store.put(key, data: data)
        #expect(try store.get(key) == data)
        let info = try store.head(key)
        #expect(info.size == 5000)
        #expect(info.etag == (try ReferenceSHA256.hex(data)))
        #expect(info.etag == written.etag)
        #expect(info.contentType == "image/webp")
        #expect(abs(info.modified.timeIntervalSinceNow) < 3600)
        #expect(store.exists(key))

        try store.put(try ObjectKey("media/7/hls/index.m3u8"), data: Data("#EXTM3U\n".utf8))
        try store.put(try ObjectKey("media/70/640.webp"), data: Data([1]))
        try store.put(try ObjectKey("originals/ab/abcd"), data: Data([2]))
        #expect(try store.list(prefix: "media/7/").map(\.rawValue) == ["media/7/640.webp", "media/7/hls/index.m3u8"])
        #expect(try store.list(prefix: "media/7").map(\.rawValue) == ["media/7/640.webp", "media/7/hls/index.m3u8", "media/70/640.webp"])
        #expect(try store.list().count == 4)
        #expect(try store.list(prefix: "nothing/here/").isEmpty)
        #expect(throws: StoreError.self) { try store.list(prefix: "../") }

        // Replacing keeps one object with the new content.
        try store.put(key, data: Data("new".utf8))
        #expect(try store.get(key) == Data("new".utf8))
        #expect(try store.head(key).etag == "11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437")  // sha256("new")

        #expect(try store.delete(key))
        #expect(try !store.delete(key))
        #expect(!store.exists(key))
        do {
            _ = try store.get(key)
            Issue.record("get of a deleted key succeeded")
        } catch let error as StoreError {
            #expect(error.code == .notFound)
            #expect(error.errno == ENOENT)
        }
        #expect(try store.delete(prefix: "media/7/") == 1)
        #expect(try store.list().map(\.rawValue) == ["media/70/640.webp", "originals/ab/abcd"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/media/7"))
        #expect(throws: StoreError.self) { try store.delete(prefix: "") }
    }

    @Test func directoriesAreNotObjects() throws {
        try store.put(try ObjectKey("media/1/a.jpg"), data: Data([1]))
        let error = #expect(throws: StoreError.self) { try store.get(try ObjectKey("media/1")) }
        #expect(error?.code == .notFound)
        #expect(!store.exists(try ObjectKey("media/1")))
    }

    @Test func byteRanges() throws {
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

    @Test func largeFilesStreamThroughPutFromFile() throws {
        let source = directory + "-source.bin"
        defer { try? FileManager.default.removeItem(atPath: source) }
        // Over one chunk, so the copy and the digest span chunk boundaries.
        let data = Data((0..<(FileStore.chunkSize + 12345)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        try data.write(to: URL(fileURLWithPath: source))
        let digest = try ReferenceSHA256.hex(data)
        let key = try ObjectKey.original(sha256: digest)
        let info = try store.put(key, fromFile: source)
        #expect(info.etag == digest)
        #expect(info.size == Int64(data.count))
        #expect(try store.get(key) == data)
        #expect(try store.head(key).etag == info.etag)
        #expect(temporaryFiles().isEmpty)
    }

    @Test func headRecomputesTheDigestOfAFileWrittenOutOfBand() throws {
        try FileManager.default.createDirectory(atPath: directory + "/legacy", withIntermediateDirectories: true)
        let data = Data("written without the store".utf8)
        try data.write(to: URL(fileURLWithPath: directory + "/legacy/a.json"))
        let info = try store.head(try ObjectKey("legacy/a.json"))
        #expect(info.etag == (try ReferenceSHA256.hex(data)))
        #expect(info.contentType == "application/json")
        // The digest is cached on the file for the next head.
        let fd = try StoreSystem.open(directory + "/legacy/a.json", O_RDONLY)
        defer { StoreSystem.close(fd) }
        #expect(StoreSystem.digest(fd) == info.etag)
    }

    @Test func failedPutsLeaveNoTemporaryFiles() throws {
        let key = try ObjectKey("media/2/broken.bin")
        // Reading a directory as the source fails after the temporary file exists.
        let error = #expect(throws: StoreError.self) { try store.put(key, fromFile: directory) }
        #expect(error?.code == .io)
        #expect(error?.errno == EISDIR)
        let missing = #expect(throws: StoreError.self) { try store.put(key, fromFile: directory + "/no-such-file") }
        #expect(missing?.code == .notFound)
        #expect(!store.exists(key))
        #expect(temporaryFiles().isEmpty)
        #expect(try store.list().isEmpty)
    }

    @Test func concurrentPutsOfOneKeyLeaveOneCompleteObject() throws {
        let key = try ObjectKey("media/3/poster.jpg")
        let writers = 16
        let payloads = (0..<writers).map { writer in Data(repeating: UInt8(writer), count: 64 * 1024 + writer) }
        let store = store
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            _ = try? store.put(key, data: payloads[writer])
        }
        let stored = try store.get(key)
        #expect(payloads.contains(stored))
        #expect(try store.head(key).etag == (try ReferenceSHA256.hex(stored)))
        #expect(temporaryFiles().isEmpty)
        #expect(try store.list(prefix: "media/3/") == [key])
    }

    @Test func putDirectoryPublishesATree() throws {
        let source = directory + "-output"
        defer { try? FileManager.default.removeItem(atPath: source) }
        try FileManager.default.createDirectory(atPath: source + "/hls/720p", withIntermediateDirectories: true)
        try Data("#EXTM3U\n".utf8).write(to: URL(fileURLWithPath: source + "/hls/master.m3u8"))
        try Data([0, 1, 2]).write(to: URL(fileURLWithPath: source + "/hls/720p/seg-00001.m4s"))
        try Data([3]).write(to: URL(fileURLWithPath: source + "/poster.jpg"))
        try Data([4]).write(to: URL(fileURLWithPath: source + "/.DS_Store"))
        let written = try store.putDirectory(source, underPrefix: ObjectKey.mediaPrefix(mediaID: 9))
        #expect(written.map(\.key.rawValue) == ["media/9/hls/720p/seg-00001.m4s", "media/9/hls/master.m3u8", "media/9/poster.jpg"])
        #expect(try store.get(try ObjectKey("media/9/hls/720p/seg-00001.m4s")) == Data([0, 1, 2]))
        #expect(written[0].contentType == "video/iso.segment")
        #expect(try store.delete(prefix: "media/9/") == 3)
        #expect(try store.list().isEmpty)
        #expect(temporaryFiles().isEmpty)
    }
}
