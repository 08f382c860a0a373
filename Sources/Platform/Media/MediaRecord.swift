public import Foundation

/// One media row: an uploaded original and what processing made of it.
public struct MediaRecord: Sendable, Codable, Equatable {
    public var id: Int64
    public var sha256: String
    /// `photo` or `video`.
    public var kind: String
    /// `processing`, `ready`, `failed`, `deleted` or `blocked` (the hash list matched it: nothing
    /// of it is served; migration 0025).
    public var status: String
    public var originalKey: String
    public var originalName: String?
    public var bytes: Int64
    /// The manifest JSON of the current outputs, when ready.
    public var manifest: String?
    public var presetName: String?
    public var presetVersion: Int?
    public var pdq: String?
    public var pdqQuality: Int?
    public var phash: String?
    /// The earlier media this one nearly duplicates, and the PDQ distance.
    public var duplicateOf: Int64?
    public var duplicateDistance: Int?
    public var errorCode: String?
    public var errorMessage: String?
    public var createdAt: Date
    public var processedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, sha256, kind, status, bytes, manifest, pdq, phash
        case originalKey = "original_key"
        case originalName = "original_name"
        case presetName = "preset_name"
        case presetVersion = "preset_version"
        case pdqQuality = "pdq_quality"
        case duplicateOf = "duplicate_of"
        case duplicateDistance = "duplicate_distance"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case processedAt = "processed_at"
    }

    init(row: DatabaseRow) throws {
        id = try row["id", as: Int64.self]
        sha256 = try row["sha256", as: String.self]
        kind = try row["kind", as: String.self]
        status = try row["status", as: String.self]
        originalKey = try row["original_key", as: String.self]
        originalName = try row["original_name", as: String?.self]
        bytes = try row["bytes", as: Int64.self]
        manifest = try row["manifest", as: String?.self]
        presetName = try row["preset_name", as: String?.self]
        presetVersion = try row["preset_version", as: Int?.self]
        pdq = try row["pdq", as: String?.self]
        pdqQuality = try row["pdq_quality", as: Int?.self]
        phash = try row["phash", as: String?.self]
        duplicateOf = try row["duplicate_of", as: Int64?.self]
        duplicateDistance = try row["duplicate_distance", as: Int?.self]
        errorCode = try row["error_code", as: String?.self]
        errorMessage = try row["error_message", as: String?.self]
        createdAt = try row["created_at", as: Date.self]
        processedAt = try row["processed_at", as: Date?.self]
    }
}
