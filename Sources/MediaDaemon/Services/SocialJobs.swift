import Foundation
import Logging
import Platform

/// Jobs the HTTP services hand to the queue: feed fan-out when a post is ready, removal of a
/// deleted post's media files and hashes, and processing of uploads.
struct SocialJobs: Sendable {
    let api: HTTPAPI
    let store: ObjectStore
    let pool: DatabasePool
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
                try blockingAwait { _ = try await api.feed.fanOut(postID: postID) }
                return .completed
            },
            Self.deleteJobKind: { job, _ in
                let mediaID = try job.decodePayload([String: Int64].self)["media_id"] ?? 0
                let removed = try store.delete(prefix: "media/\(mediaID)/")
                logger.info("media files removed", metadata: ["media_id": "\(mediaID)", "objects": "\(removed)"])
                // Its hashes leave PostgreSQL with the job's completion; every daemon's index
                // drops them at its next catch-up.
                return .completed { connection in try MediaCompletion.clearHashes(mediaID: mediaID, on: connection) }
            },
        ]
    }
}

/// Runs async work from a lane thread and waits for it. Lane threads are dedicated threads,
/// never the cooperative pool, so blocking one on a semaphore starves nothing.
func blockingAwait(_ work: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let outcome = AwaitOutcome()
    Task {
        do { try await work() } catch { outcome.error = error }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}

/// The error a task hands back to the thread waiting for it.
private final class AwaitOutcome: @unchecked Sendable {
    // Written by the task before the semaphore is signalled and read after the wait: the
    // semaphore orders the two accesses.
    var error: (any Error)?
}
