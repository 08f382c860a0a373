public import Foundation
public import Logging

/// Uploaded media: stores originals, records them, and enqueues their processing.
///
/// Originals are content-addressed, so the same bytes uploaded twice are one media row and
/// one processing job: the second upload gets the first one's id (`exactDuplicate`). A
/// deleted media no longer holds its bytes: uploading them again makes a new media.
public struct MediaLibrary: Sendable {
    /// What `ingest` did with a file.
    public struct Ingested: Sendable, Codable, Equatable {
        public var mediaID: Int64
        public var sha256: String
        public var kind: String
        public var status: String
        /// True when these bytes were already stored: nothing new was processed.
        public var exactDuplicate: Bool
        /// The processing job, when one was enqueued now.
        public var jobID: Int64?

        enum CodingKeys: String, CodingKey {
            case mediaID = "media_id"
            case sha256, kind, status
            case exactDuplicate = "exact_duplicate"
            case jobID = "job_id"
        }
    }

    public let pool: DatabasePool
    public let store: ObjectStore
    let logger: Logger

    public init(pool: DatabasePool, store: ObjectStore, logger: Logger) {
        self.pool = pool
        self.store = store
        self.logger = logger
    }

    /// Stores `data` as an original of `kind` (`photo` or `video`), records it and enqueues
    /// its processing job in the same transaction as the row, so neither exists without the
    /// other. `lane` defaults to the kind's own lane; `priority` lower runs first.
    public func ingest(
        _ data: Data, name: String?, kind: String, lane: String? = nil, priority: Int = 0
    ) async throws -> Ingested {
        guard kind == "photo" || kind == "video" else {
            throw DatabaseError(.invalidConfiguration, "media kind must be photo or video, got \(kind)")
        }
        let sha256 = SHA256.hex(data)
        let key = try ObjectKey.original(sha256: sha256)
        let bytes = Int64(data.count)
        let insert = try MediaQuery.insertMedia.sql()
        let existing = try MediaQuery.mediaBySHA256.sql()
        let store = self.store
        let result = try await pool.transaction { connection -> Ingested in
            // Stored under the lock of its bytes, held until the row commits (see MediaFiles).
            try MediaFiles.lockOriginalForWriting(sha256: sha256, on: connection)
            if try !store.exists(key) { _ = try store.put(key, data: data) }
            // The media found by SHA-256 may be deleted before it is locked: insert again then.
            var inserted = try connection.query(insert, [sha256, kind, key.rawValue, name, bytes])
            while inserted.isEmpty {
                if let row = try connection.query(existing, [sha256]).first {
                    return Ingested(
                        mediaID: try row["id", as: Int64.self], sha256: sha256, kind: kind,
                        status: try row["status", as: String.self], exactDuplicate: true, jobID: nil)
                }
                inserted = try connection.query(insert, [sha256, kind, key.rawValue, name, bytes])
            }
            let id = try inserted[0]["id", as: Int64.self]
            let job = try MediaJobs.processing(
                mediaID: id, kind: kind, originalKey: key.rawValue, sha256: sha256, lane: lane, priority: priority)
            let enqueued = try JobQueue.enqueue([job], on: connection)
            return Ingested(
                mediaID: id, sha256: sha256, kind: kind, status: "processing", exactDuplicate: false,
                jobID: enqueued.first?.id)
        }
        logger.info(
            "ingested", metadata: ["media_id": "\(result.mediaID)", "kind": "\(kind)", "duplicate": "\(result.exactDuplicate)"])
        return result
    }

    /// The media row `id`, or nil.
    public func media(id: Int64) async throws -> MediaRecord? {
        let sql = try MediaQuery.getMedia.sql()
        return try await pool.query(sql, [id]).first.map(MediaRecord.init(row:))
    }

    /// Media newest first, optionally only one status.
    public func list(status: String? = nil, limit: Int = 50) async throws -> [MediaRecord] {
        let sql = try MediaQuery.listMedia.sql()
        return try await pool.query(sql, [status, limit]).map(MediaRecord.init(row:))
    }
}
