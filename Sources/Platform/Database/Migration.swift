public import Foundation

/// One numbered schema change: a `.sql` file named `NNNN_name.sql`.
///
/// Migrations are applied in version order and never edited once shipped: the migrator keeps
/// each one's SHA-256 and refuses to run against a database where an applied migration's text
/// has since changed. A migration runs inside a transaction the migrator opens, so the file
/// must not contain `BEGIN`/`COMMIT` or statements that cannot run in a transaction
/// (`CREATE INDEX CONCURRENTLY`).
public struct Migration: Sendable, Hashable {
    /// The number before the first `_` of the file name; migrations apply in this order.
    public let version: Int
    /// The rest of the file name, without `.sql`.
    public let name: String
    /// The script, run with `PQexec` inside the migrator's transaction.
    public let sql: String
    /// SHA-256 of `sql` (UTF-8), lowercase hex.
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        checksum = SHA256.hex(Array(sql.utf8))
    }

    /// The migrations compiled into the module (`Sources/Platform/Migrations`), by version.
    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw DatabaseError(.migrationFailed, "the Migrations folder is missing from the module's resources")
        }
        return try load(fromDirectory: directory)
    }

    /// Reads every `NNNN_name.sql` file in `directory`, sorted by version; other files are
    /// ignored. Throws `.migrationFailed` for a misnamed `.sql` file or a repeated version.
    public static func load(fromDirectory directory: URL) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DatabaseError(.migrationFailed, "cannot list migrations in \(directory.path): \(error)")
        }
        var migrations = [Migration]()
        for file in files where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let separator = stem.firstIndex(of: "_"), let version = Int(stem[..<separator]), version > 0,
                stem.index(after: separator) < stem.endIndex
            else {
                throw DatabaseError(.migrationFailed, "migration file \(file) is not named NNNN_name.sql")
            }
            let url = directory.appendingPathComponent(file)
            let sql: String
            do {
                sql = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw DatabaseError(.migrationFailed, "cannot read \(url.path): \(error)")
            }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: separator)...]), sql: sql))
        }
        return try sortedAndChecked(migrations)
    }

    /// Sorts by version; throws `.migrationFailed` when two share a version.
    static func sortedAndChecked(_ migrations: [Migration]) throws -> [Migration] {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw DatabaseError(
                .migrationFailed, "migrations \(previous.name) and \(next.name) share version \(next.version)")
        }
        return sorted
    }
}
