import Foundation

/// `backup.json` of a backup directory, written last: a directory without it is an unfinished
/// backup, which `restore` refuses.
///
/// Layout: `pg/` (a `pg_basebackup` copy of the embedded cluster), `store/` (the file-system
/// store's objects), `objects.tsv` (their SHA-256 digests, see `StoreBackup`), `backup.json`.
struct BackupManifest: Codable, Equatable {
    static let fileName = "backup.json"
    static let currentFormat = 1

    var format: Int
    /// The cluster's major version: a restore needs the same one installed.
    var postgresMajor: Int
    var objects: Int
    var bytes: Int64
    /// When the database copy began (the store copy holds at least every file its rows name).
    var started: Date
    var finished: Date

    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/" + Self.fileName), options: .atomic)
    }

    static func read(from directory: String) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + fileName)))
    }
}
