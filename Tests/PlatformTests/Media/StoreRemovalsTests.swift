import Foundation
import Logging
import Testing

@testable import Platform

/// While a backup holds `StoreRemovals.paused`, no remover gets its lock (the sweep skips, the
/// media.delete job retries later); before and after, removers get it.
@Suite("Store removals pause for a backup")
struct StoreRemovalsTests {
    @Test func removersAreHeldOffOnlyWhileABackupRuns() async throws {
        let fixture = try await QueueFixture.make()
        let url = fixture.url
        let logger = Logger(label: "removals")
        @Sendable func removerGetsTheLock() throws -> Bool {
            let connection = try DatabaseConnection(url: url, logger: logger)
            return try connection.transaction { try StoreRemovals.tryHold(on: $0) }
        }
        let results = try await Blocking.onOwnThread { () -> [Bool] in
            let before = try removerGetsTheLock()
            let during = try StoreRemovals.paused(databaseURL: url, logger: logger) { try removerGetsTheLock() }
            let after = try removerGetsTheLock()
            return [before, during, after]
        }
        #expect(results == [true, false, true])
        // A sweep during a backup removes nothing, even an unheld old original.
        let store = try ObjectStore(root: FileManager.default.temporaryDirectory.path + "/removals-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: store.localRoot ?? "") }
        let sha = String(repeating: "ab", count: 32)
        let key = try ObjectKey.original(sha256: sha)
        try store.put(key, data: Data("old".utf8))
        let future = Date().addingTimeInterval(3600)
        let swept = try await Blocking.onOwnThread { () -> [Bool] in
            let connection = try DatabaseConnection(url: url, logger: logger)
            let during = try StoreRemovals.paused(databaseURL: url, logger: logger) {
                try connection.transaction { try MediaFiles.sweepOriginal(key, sha256: sha, cutoff: future, store: store, on: $0) }
            }
            let after = try connection.transaction {
                try MediaFiles.sweepOriginal(key, sha256: sha, cutoff: future, store: store, on: $0)
            }
            return [during, after]
        }
        #expect(swept == [false, true])
        #expect(!(try store.exists(key)))
        await fixture.close()
    }
}
