import Foundation
import Logging
import Platform

/// The handlers of the jobs the HTTP services enqueue (through `PostHooks.jobQueue`, in their
/// transactions): feed fan-out when a post is ready, and removal of a deleted post's media
/// files. Uploads are processed by `MediaProcessor`.
struct SocialJobs: Sendable {
    let api: HTTPAPI
    let store: ObjectStore
    let logger: Logger

    var handlers: [String: JobHandler] {
        [
            // Account deletion: resumable, its step in `jobs show`'s progress.
            UserService.deletionJobKind: { job, context in
                let userID = try job.decodePayload([String: Int64].self)["user_id"] ?? 0
                let deletion = api.accountDeletion
                let done = try LaneThread.wait {
                    try await deletion.run(
                        userID: userID, progress: { context.reportProgress($0, stage: $1) },
                        isCancelled: { context.isCancelled })
                }
                if !done { logger.notice("account not being deleted; nothing to do", metadata: ["user_id": "\(userID)"]) }
                return .completed
            },
            MediaCompletion.fanOutJobKind: { job, _ in
                let postID = try job.decodePayload([String: Int64].self)["post_id"] ?? 0
                try LaneThread.wait { _ = try await api.feed.fanOut(postID: postID) }
                return .completed
            },
            MediaJobs.deleteJobKind: { job, _ in
                let mediaID = try job.decodePayload([String: Int64].self)["media_id"] ?? 0
                // The media was marked deleted (row kept, hashes cleared, SHA-256 released) with
                // its last post. Its renditions go, and its original unless a live media holds
                // the same bytes; a media that is not deleted is in use again and keeps them.
                // Checked in the job's completion transaction, on the worker's connection.
                let (store, logger) = (self.store, self.logger)
                return .completed { connection in
                    guard let removal = try MediaFiles.removeDeleted(mediaID: mediaID, store: store, on: connection) else {
                        logger.notice("media in use; files kept", metadata: ["media_id": "\(mediaID)"])
                        return
                    }
                    logger.info(
                        "media files removed",
                        metadata: [
                            "media_id": "\(mediaID)", "objects": "\(removal.renditions)", "original": "\(removal.original)",
                        ])
                }
            },
        ]
    }
}
