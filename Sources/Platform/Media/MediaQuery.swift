/// The media records' named SQL statements, from the `-- name: X` blocks of the `.sql` files in
/// `Media/MediaQueries` (`media.sql`, `files.sql`, `reconcile.sql`).
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
    // files.sql
    case lockOriginalShared = "LockOriginalShared"
    case lockOriginal = "LockOriginal"
    case tryLockOriginal = "TryLockOriginal"
    case originalHeld = "OriginalHeld"
    case mediaOriginal = "MediaOriginal"
    case tryLockStoreRemoval = "TryLockStoreRemoval"
    case lockStoreForBackup = "LockStoreForBackup"
    case unlockStoreForBackup = "UnlockStoreForBackup"
    // reconcile.sql
    case strandedMedia = "StrandedMedia"
    case failStrandedMedia = "FailStrandedMedia"

    func sql() throws -> String {
        try text
    }

    static let catalog = QueryCatalog(folder: "MediaQueries")
}
