import Foundation

/// The media records' named SQL statements, from the `-- name: X` blocks in `Media/MediaQueries`.
enum MediaQuery: String, CaseIterable, Sendable {
    case insertMedia = "InsertMedia"
    case mediaBySHA256 = "MediaBySHA256"
    case getMedia = "GetMedia"
    case listMedia = "ListMedia"
    case markMediaReady = "MarkMediaReady"
    case markMediaFailed = "MarkMediaFailed"
    case lockLiveMedia = "LockLiveMedia"
    case markMediaDeleted = "MarkMediaDeleted"
    case replaceFrameHashes = "ReplaceFrameHashes"
    case hashChangesAfter = "HashChangesAfter"
    case usableFrameHashes = "UsableFrameHashes"
    case mediaHashed = "MediaHashed"
    case lockHashChanges = "LockHashChanges"
    case insertHashChange = "InsertHashChange"
    case clearMediaHashes = "ClearMediaHashes"
    case deleteFrameHashes = "DeleteFrameHashes"
    case reprocessCandidates = "ReprocessCandidates"
    case reprocessProgress = "ReprocessProgress"
    case postsOnMedia = "PostsOnMedia"

    func sql() throws -> String {
        guard let text = try Self.catalog.get()[rawValue] else {
            throw DatabaseError(.queryFailed, "no `-- name: \(rawValue)` block in Media/MediaQueries")
        }
        return text
    }

    private static let catalog = Result<[String: String], any Error> {
        try QueueQuery.loadCatalog(folder: "MediaQueries")
    }
}
