import Foundation

/// The media records' named SQL statements, from the `-- name: X` blocks in `Media/MediaQueries`.
enum MediaQuery: String, CaseIterable, Sendable {
    case insertMedia = "InsertMedia"
    case mediaBySHA256 = "MediaBySHA256"
    case getMedia = "GetMedia"
    case listMedia = "ListMedia"
    case markMediaReady = "MarkMediaReady"
    case markMediaFailed = "MarkMediaFailed"
    case replaceFrameHashes = "ReplaceFrameHashes"
    case hashesAfter = "HashesAfter"
    case reprocessCandidates = "ReprocessCandidates"
    case reprocessProgress = "ReprocessProgress"
    case postsOnMedia = "PostsOnMedia"

    func sql() throws -> String {
        guard let text = try Self.catalog.get()[rawValue] else {
            throw DatabaseError(.queryFailed, "no `-- name: \(rawValue)` block in Media/Queries")
        }
        return text
    }

    private static let catalog = Result<[String: String], any Error> {
        guard let url = Bundle.module.url(forResource: "media", withExtension: "sql", subdirectory: "MediaQueries") else {
            throw DatabaseError(.queryFailed, "MediaQueries/media.sql is missing from the module's resources")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return Dictionary(try QueueQuery.parse(text, file: "media.sql"), uniquingKeysWith: { $1 })
    }
}
