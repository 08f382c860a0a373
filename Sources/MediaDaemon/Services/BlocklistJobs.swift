import Foundation
import Logging
import Platform

/// The hash list's jobs: `media.takedown` removes a blocked media's renditions,
/// `avatar.takedown` a taken-down avatar's files, and
/// `blocklist.scan` checks the media published before an import against its entries (the CLI
/// runs the same scan at once; this one finishes it if the CLI stopped).
struct BlocklistJobs: Sendable {
    let pool: DatabasePool
    let store: ObjectStore
    let logger: Logger

    var handlers: [String: JobHandler] {
        [
            Blocklist.takedownJobKind: { job, _ in
                let mediaID = try job.decodePayload([String: Int64].self)["media_id"] ?? 0
                let (store, logger) = (self.store, self.logger)
                // In the completion transaction: a media no longer blocked keeps its files.
                return .completed { connection in
                    guard let removed = try Blocklist.takeDown(mediaID: mediaID, store: store, on: connection) else {
                        logger.notice("media not blocked; files kept", metadata: ["media_id": "\(mediaID)"])
                        return
                    }
                    logger.info("blocked media's renditions removed", metadata: ["media_id": "\(mediaID)", "objects": "\(removed)"])
                }
            },
            Blocklist.avatarTakedownJobKind: { job, _ in
                let avatarID = try job.decodePayload([String: Int64].self)["avatar_id"] ?? 0
                let (store, logger) = (self.store, self.logger)
                // In the completion transaction: an avatar ready again (never: a taken-down one
                // stays failed) would keep its files.
                return .completed { connection in
                    guard let removed = try Blocklist.takeDownAvatarFiles(avatarID: avatarID, store: store, on: connection) else {
                        logger.notice("avatar ready; files kept", metadata: ["avatar_id": "\(avatarID)"])
                        return
                    }
                    logger.info("taken-down avatar's files removed", metadata: ["avatar_id": "\(avatarID)", "objects": "\(removed)"])
                }
            },
            Blocklist.scanJobKind: { job, _ in
                let importID = try job.decodePayload([String: Int64].self)["import_id"] ?? 0
                let scan = BlocklistScan(pool: pool, store: nil, logger: logger)
                let result = try LaneThread.wait { try await scan.run(importID: importID) }
                logger.info(
                    "hash list import scanned",
                    metadata: ["import_id": "\(importID)", "scanned": "\(result.scanned)", "blocked": "\(result.blocked.count)",
                        "avatars_blocked": "\(result.avatarsBlocked.count)",
                    ])
                return .completed
            },
        ]
    }
}
