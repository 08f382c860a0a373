/// The hash list's named SQL statements, from `Blocklist/BlocklistQueries/blocklist.sql`.
enum BlocklistQuery: String, NamedQuery {
    case insertImport = "InsertImport"
    case insertPhotoEntries = "InsertPhotoEntries"
    case insertVideoEntry = "InsertVideoEntry"
    case insertEntryFrames = "InsertEntryFrames"
    case lockChanges = "LockChanges"
    case lockChangesShared = "LockChangesShared"
    case insertChange = "InsertChange"
    case changesAfter = "ChangesAfter"
    case importPhotoEntries = "ImportPhotoEntries"
    case importVideoFrames = "ImportVideoFrames"
    case removeEntry = "RemoveEntry"
    case listImports = "ListImports"
    case importRange = "ImportRange"
    case markMediaBlocked = "MarkMediaBlocked"
    case hideMediaPosts = "HideMediaPosts"
    case insertMatch = "InsertMatch"
    case insertAvatarMatch = "InsertAvatarMatch"
    case hidePostOnBlockedMedia = "HidePostOnBlockedMedia"
    case setPhotoVariants = "SetPhotoVariants"
    case mediaBlocked = "MediaBlocked"
    case publishedMediaAfter = "PublishedMediaAfter"
    case mediaFrames = "MediaFrames"
    case listMatches = "ListMatches"

    static let catalog = QueryCatalog(folder: "BlocklistQueries")
}
