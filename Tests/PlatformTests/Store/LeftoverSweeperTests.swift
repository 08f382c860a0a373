import Foundation
import Logging
import Testing

@testable import Platform

/// What a kill -9 leaves (store `.tmp-*` files, spool files, job scratch directories) goes
/// once old enough; anything touched recently (another daemon's write in flight) stays.
@Suite("leftover sweeper")
struct LeftoverSweeperTests {
    @Test func removesOldLeftoversAndKeepsFreshOnesAndObjects() throws {
        let root = NSTemporaryDirectory() + "mdsweep-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try ObjectStore(root: root + "/store")
        let object = try ObjectKey("media/7/150.jpg")
        try store.put(object, data: Data([1, 2, 3]))
        let spool = root + "/uploads"
        let scratch = root + "/scratch"
        for directory in [spool, scratch + "/job-1-old/hls", scratch + "/job-2-live"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let now = Date()
        let twoHoursAgo = now.addingTimeInterval(-7200)
        func file(_ path: String, modified: Date) throws {
            #expect(FileManager.default.createFile(atPath: path, contents: Data([0])))
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        }
        let storeDirectory = root + "/store/media/7"
        try file(storeDirectory + "/.tmp-dead", modified: twoHoursAgo)
        try file(storeDirectory + "/.tmp-in-flight", modified: now)
        try file(spool + "/mediadaemon-upload-dead", modified: twoHoursAgo)
        try file(spool + "/mediadaemon-upload-in-flight", modified: now)
        try file(spool + "/not-ours", modified: twoHoursAgo)
        try file(scratch + "/job-1-old/hls/seg.ts", modified: twoHoursAgo)
        try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: scratch + "/job-1-old/hls")
        try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: scratch + "/job-1-old")
        // A live job: its directory is old but it wrote a file a moment ago.
        try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: scratch + "/job-2-live")
        try file(scratch + "/job-2-live/poster.jpg", modified: now.addingTimeInterval(-60))

        let sweeper = LeftoverSweeper(
            targets: [.storeTemporaries(store), .uploadSpool(spool), .init(directory: scratch, prefix: "job-")],
            minimumAge: .seconds(3600), logger: Logger(label: "sweeper-test"))
        let removed = Set(sweeper.runOnce(now: now).map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let expected = Set(
            [storeDirectory + "/.tmp-dead", spool + "/mediadaemon-upload-dead", scratch + "/job-1-old"]
                .map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        #expect(removed == expected)
        for gone in expected { #expect(!FileManager.default.fileExists(atPath: gone)) }
        for kept in [
            storeDirectory + "/.tmp-in-flight", spool + "/mediadaemon-upload-in-flight", spool + "/not-ours",
            scratch + "/job-2-live/poster.jpg",
        ] {
            #expect(FileManager.default.fileExists(atPath: kept), "\(kept)")
        }
        #expect(try store.get(object) == Data([1, 2, 3]))
        // An hour later the in-flight ones, never finished, go too.
        #expect(sweeper.runOnce(now: now.addingTimeInterval(7200)).count == 3)
    }
}
