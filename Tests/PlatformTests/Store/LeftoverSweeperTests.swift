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
        let store = try FileStore(root: root + "/store")
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

    /// Takes an exclusive lock on `path` through a descriptor of its own, as a live writer does
    /// (flock locks belong to the open file, so this process can play both writers).
    private func hold(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd
    }

    @Test func aDeadWritersLeftoversGoAtOnceWhileALiveWritersAndUnknownOnesStay() throws {
        let root = NSTemporaryDirectory() + "mdsweep-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = root + "/store", spool = root + "/uploads", scratch = root + "/scratch"
        let live = "a1b2c3d4e5f6", dead = "0f0e0d0c0b0a", unknown = "123456abcdef"
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        for directory in [store, spool, scratch] {
            try FileManager.default.createDirectory(atPath: directory + "/.tmp-owners", withIntermediateDirectories: true)
            held.append(try hold(directory + "/.tmp-owners/" + live))
            // The dead writer's lock file is left behind, held by nobody.
            #expect(FileManager.default.createFile(atPath: directory + "/.tmp-owners/" + dead, contents: nil))
        }
        try FileManager.default.createDirectory(atPath: store + "/media/7", withIntermediateDirectories: true)
        var files: [String: [String]] = [:]
        for tag in [live, dead, unknown] {
            // All fresh: the age rule alone would keep every one of them.
            let paths = [
                store + "/media/7/.tmp-\(tag)-1f2e", spool + "/mediadaemon-upload-\(tag)-3d4c",
                scratch + "/job-\(tag)-42-abcd/poster.jpg",
            ]
            try FileManager.default.createDirectory(atPath: scratch + "/job-\(tag)-42-abcd", withIntermediateDirectories: true)
            // A second kind of leftover in the same folder (a worker child's own folder).
            try FileManager.default.createDirectory(atPath: scratch + "/w-\(tag)-0-ef01", withIntermediateDirectories: true)
            for path in paths { #expect(FileManager.default.createFile(atPath: path, contents: Data([1]))) }
            files[tag] = paths
        }
        let sweeper = LeftoverSweeper(
            targets: [
                .init(directory: store, prefix: ".tmp-", recursive: true), .uploadSpool(spool), .init(directory: scratch, prefix: "job-"),
                .init(directory: scratch, prefix: "w-"),
            ],
            minimumAge: .seconds(3600), logger: Logger(label: "sweeper-test"))
        let removed = Set(sweeper.runOnce().map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let expected = Set([
            store + "/media/7/.tmp-\(dead)-1f2e", spool + "/mediadaemon-upload-\(dead)-3d4c", scratch + "/job-\(dead)-42-abcd",
            scratch + "/w-\(dead)-0-ef01",
        ]
            .map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        #expect(removed == expected)
        for path in (files[live] ?? []) + (files[unknown] ?? []) { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        for directory in [store, spool, scratch] {
            // The dead writer's lock file went with its leftovers; the live one's stays.
            #expect(!FileManager.default.fileExists(atPath: directory + "/.tmp-owners/" + dead))
            #expect(FileManager.default.fileExists(atPath: directory + "/.tmp-owners/" + live))
        }

        // The live writer dies: its files go on the next pass, the unknown writer's still stay.
        held.forEach { close($0) }
        held = []
        #expect(sweeper.runOnce().count == 4)
        for path in files[live] ?? [] { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        for path in files[unknown] ?? [] { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
    }

    @Test func storeWritesAreTaggedAndTheirOwnerLockIsHeld() throws {
        let root = NSTemporaryDirectory() + "mdsweep-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileStore(root: root)
        try store.put(try ObjectKey("media/1/a.jpg"), data: Data([1, 2]))
        let lock = root + "/.tmp-owners/" + LeftoverOwner.tag
        let fd = open(lock, O_RDWR | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        // This process holds it through another descriptor: a second lock is refused.
        #expect(flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK)
        // The owners folder is not an object.
        #expect(try store.list(prefix: "").map(\.rawValue) == ["media/1/a.jpg"])
        // A sweep in the writing process removes nothing of its own.
        let sweeper = LeftoverSweeper(targets: [.storeTemporaries(store)], minimumAge: .seconds(3600), logger: Logger(label: "t"))
        #expect(sweeper.runOnce().isEmpty)
        #expect(FileManager.default.fileExists(atPath: lock))
    }
}
