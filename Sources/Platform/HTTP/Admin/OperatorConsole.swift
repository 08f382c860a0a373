import Foundation
import Hummingbird

/// What the operator page and its JSON API do, over the same queue and media library calls as
/// the CLI (`jobs …`, `media show`, `reprocess`, `moderation …`): the routes only parse and render.
struct OperatorConsole: Sendable {
    let queue: JobQueue
    let library: MediaLibrary
    let migrator: Migrator
    /// The same service as `mediadaemon moderation …`.
    let moderation: ModerationService
    let feed: FeedService

    init(api: HTTPAPI) {
        queue = JobQueue(pool: api.pool, logger: api.logger)
        library = MediaLibrary(pool: api.pool, store: api.store, logger: api.logger)
        migrator = api.migrator
        moderation = ModerationService(pool: api.pool)
        feed = api.feed
    }

    func overview() async throws -> OperatorOverview {
        let store = library.store
        return OperatorOverview(
            generatedAt: Date(), lanes: try await queue.laneActivity(), throughput: try await queue.throughput(minutes: 60),
            workers: try await queue.daemons(window: QueueRunner.presenceInterval * 4), database: await DatabaseHealth.check(queue.pool, migrator: migrator),
            store: try await Blocking.run { store.health() })
    }

    /// The job; 404 when there is none.
    func job(id: Int64) async throws -> JobRecord {
        guard let job = try await queue.job(id: id) else { throw SocialError.notFound("job") }
        return job
    }

    func retry(id: Int64) async throws -> JobRecord {
        try await Self.mapping { try await queue.retry(id: id) }
        return try await job(id: id)
    }

    func cancel(id: Int64) async throws -> JobRecord {
        try await Self.mapping { _ = try await queue.cancel(id: id) }
        return try await job(id: id)
    }

    func lift(contentKey: String) async throws -> [Int64] {
        var dead: [Int64] = []
        try await Self.mapping { dead = try await queue.liftQuarantine(contentKey: contentKey) }
        return dead
    }

    /// The media and, when it nearly duplicates another, that one; 404 when there is none.
    func media(id: Int64) async throws -> OperatorMediaDetail {
        guard let record = try await library.media(id: id) else { throw SocialError.notFound("media") }
        let original = try await record.duplicateOf.asyncMap { try await library.media(id: $0) } ?? nil
        return OperatorMediaDetail(media: OperatorMedia(record), duplicateOfMedia: original.map(OperatorMedia.init))
    }

    func recentMedia(status: String?, limit: Int) async throws -> [OperatorMedia] {
        try await library.list(status: status, limit: limit).map(OperatorMedia.init)
    }

    /// Enqueues the media's processing again on the backlog lane, as `reprocess --ids` does;
    /// false when a reprocess of it this second is already queued. 404 for a deleted or
    /// unknown media.
    func reprocess(mediaID: Int64) async throws -> Bool {
        let candidates = try await library.reprocessCandidates(MediaLibrary.ReprocessFilter(ids: [mediaID]), limit: 1)
        guard !candidates.isEmpty else { throw SocialError.notFound("media") }
        let runKey = "operator-\(Int(Date().timeIntervalSince1970))"
        return try await library.enqueueReprocessing(candidates, runKey: runKey) > 0
    }

    /// Runs `body`, turning the queue's not-found and wrong-state errors into 404 and 409.
    private static func mapping(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as QueueError where error.code == .notFound {
            throw SocialError(.notFound, "not_found", error.message)
        } catch let error as QueueError where error.code == .invalidState {
            throw SocialError(.conflict, "invalid_state", error.message)
        }
    }
}

extension Optional {
    fileprivate func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
