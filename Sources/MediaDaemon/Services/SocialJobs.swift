import Foundation
import Logging
import Platform

/// Jobs the HTTP services hand to the queue: feed fan-out when a post is ready, removal of a
/// deleted post's media files and hashes, and processing of uploads.
struct SocialJobs: Sendable {
    let api: HTTPAPI
    let store: ObjectStore
    let logger: Logger

    static let deleteJobKind = "media.delete"

    /// The hooks `PostService` calls: each enqueues a job (idempotent per media or post).
    static func hooks(queue: @escaping @Sendable () -> JobQueue) -> PostHooks {
        PostHooks(
            enqueueProcessing: { mediaID, original in
                let kind = original.kind.rawValue
                try await queue().enqueue(
                    NewJob(
                        kind: MediaJobPayload.jobKind(for: kind),
                        encoding: MediaJobPayload(mediaID: mediaID, kind: kind, originalKey: original.key),
                        lane: kind, idempotencyKey: "media:\(mediaID)"))
            },
            enqueueDeletion: { mediaID in
                try await queue().enqueue(
                    NewJob(kind: deleteJobKind, encoding: ["media_id": mediaID], idempotencyKey: "media.delete:\(mediaID)"))
            },
            enqueueFanOut: { postID in
                try await queue().enqueue(
                    NewJob(
                        kind: MediaCompletion.fanOutJobKind, encoding: ["post_id": postID],
                        idempotencyKey: "feed.fanout:\(postID)"))
            })
    }

    var handlers: [String: JobHandler] {
        [
            MediaCompletion.fanOutJobKind: { job, _ in
                let postID = try job.decodePayload([String: Int64].self)["post_id"] ?? 0
                try LaneThread.wait { _ = try await api.feed.fanOut(postID: postID) }
                return .completed
            },
            Self.deleteJobKind: { job, _ in
                let mediaID = try job.decodePayload([String: Int64].self)["media_id"] ?? 0
                // The media was marked deleted (row kept, hashes cleared, SHA-256 released) with
                // its last post; the ids of deleted media are never reused, so its files can go.
                // A media that is not deleted is in use again and keeps them. Checked in the
                // job's completion transaction, on the worker's connection.
                let (store, logger) = (self.store, self.logger)
                return .completed { connection in
                    guard try MediaCompletion.isDeleted(mediaID: mediaID, on: connection) else {
                        logger.notice("media in use; files kept", metadata: ["media_id": "\(mediaID)"])
                        return
                    }
                    let removed = try store.delete(prefix: ObjectKey.mediaPrefix(mediaID: mediaID))
                    logger.info("media files removed", metadata: ["media_id": "\(mediaID)", "objects": "\(removed)"])
                }
            },
        ]
    }
}
