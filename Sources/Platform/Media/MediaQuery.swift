/// The media records' named SQL statements, from the `-- name: X` blocks in `Media/MediaQueries`.
enum MediaQuery: String, NamedQuery {
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
        try text
    }

    static let catalog = QueryCatalog(folder: "MediaQueries")
}
