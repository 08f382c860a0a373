import Foundation

/// The overview: queue depth per lane, the last hour's outcomes, the daemons running jobs, and
/// the health of PostgreSQL and the store.
struct OperatorOverview: Encodable, Sendable {
    var generatedAt: Date
    var lanes: [LaneActivity]
    /// The last 60 minutes, oldest first.
    var throughput: [MinuteOutcomes]
    var workers: [QueueOwner]
    var database: DatabaseHealth
    var store: StoreHealth
}

/// Failure codes over a window.
struct OperatorFailures: Encodable, Sendable {
    var windowSeconds: Int
    var codes: [FailureCount]
}

/// A media row with the URLs the page shows.
struct OperatorMedia: Encodable, Sendable {
    var id: Int64
    var kind: String
    var status: String
    var sha256: String
    var bytes: Int64
    var originalName: String?
    var createdAt: Date
    var processedAt: Date?
    var presetName: String?
    var presetVersion: Int?
    var errorCode: String?
    var errorMessage: String?
    var duplicateOf: Int64?
    var duplicateDistance: Int?
    /// The 150 JPEG (a video's poster's), once ready.
    var thumbnailURL: String?
    /// A video's largest poster and its 360 MP4.
    var posterURL: String?
    var videoURL: String?
    /// The manifest's JSON text, once ready.
    var manifest: String?

    init(_ record: MediaRecord) {
        id = record.id
        kind = record.kind
        status = record.status
        sha256 = record.sha256
        bytes = record.bytes
        originalName = record.originalName
        createdAt = record.createdAt
        processedAt = record.processedAt
        presetName = record.presetName
        presetVersion = record.presetVersion
        errorCode = record.errorCode
        errorMessage = record.errorMessage
        duplicateOf = record.duplicateOf
        duplicateDistance = record.duplicateDistance
        manifest = record.manifest
        guard let text = record.manifest, let stored = try? PostgresJSON(text: text).decode(StoredManifest.self) else {
            return
        }
        thumbnailURL = stored.thumbnailPath.map { stored.url($0, mediaID: record.id) }
        if record.kind == "video" {
            posterURL = stored.posterPath.map { stored.url($0, mediaID: record.id) }
            videoURL = stored.videoPath(rung: "360").map { stored.url($0, mediaID: record.id) }
        }
    }
}

/// One media with the original it nearly duplicates, when it does.
struct OperatorMediaDetail: Encodable, Sendable {
    var media: OperatorMedia
    var duplicateOfMedia: OperatorMedia?
}
