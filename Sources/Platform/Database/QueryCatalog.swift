import Foundation

/// Named SQL statements: the `-- name: X` blocks of the `.sql` files in one folder of the
/// module's resources (`Queue/Queries`, `Media/MediaQueries`, `Social/SocialQueries`).
///
/// Every statement the module runs comes from a catalog: nothing is concatenated at run time,
/// every value travels as a parameter. The files are read once, when the catalog is first used.
struct QueryCatalog: Sendable {
    /// The resource folder, as bundled.
    let folder: String
    private let statements: Result<[String: String], DatabaseError>

    /// The catalog of `folder`; a missing folder or a malformed file fails every look-up.
    init(folder: String) {
        self.folder = folder
        statements = Result { () throws(DatabaseError) in try Self.load(folder: folder) }
    }

    /// The statement named `name`. Throws `.queryMissing` when no block has that name (or the
    /// folder could not be read).
    func sql(_ name: String) throws(DatabaseError) -> String {
        guard let text = try statements.get()[name] else {
            throw DatabaseError(.queryMissing, "no `-- name: \(name)` block in \(folder)")
        }
        return text
    }

    /// The names of every block in the folder, including any no registry case names.
    func names() throws(DatabaseError) -> Set<String> {
        Set(try statements.get().keys)
    }

    private static func load(folder: String) throws(DatabaseError) -> [String: String] {
        guard let directory = Bundle.module.url(forResource: folder, withExtension: nil) else {
            throw DatabaseError(.queryMissing, "the \(folder) folder is missing from the module's resources")
        }
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        } catch {
            throw DatabaseError(.queryMissing, "cannot list \(folder): \(error)")
        }
        var statements = [String: String]()
        for file in files.sorted() {
            let text: String
            do {
                text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            } catch {
                throw DatabaseError(.queryMissing, "cannot read \(folder)/\(file): \(error)")
            }
            for (name, sql) in try parse(text, file: file) {
                guard statements.updateValue(sql, forKey: name) == nil else {
                    throw DatabaseError(.queryMissing, "query \(name) is defined twice in \(folder) (last in \(file))")
                }
            }
        }
        return statements
    }

    /// Splits a file into `-- name: X` blocks. Comment lines are dropped, and so is the final `;`.
    static func parse(_ text: String, file: String) throws(DatabaseError) -> [(name: String, sql: String)] {
        var blocks = [(name: String, sql: String)]()
        var name: String?
        var lines = [Substring]()
        func finish() throws(DatabaseError) {
            guard let name else { return }
            let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw DatabaseError(.queryMissing, "query \(name) in \(file) is empty") }
            blocks.append((name, body.hasSuffix(";") ? String(body.dropLast()) : body))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-- name:") {
                try finish()
                name = trimmed.dropFirst("-- name:".count).trimmingCharacters(in: .whitespaces)
                lines = []
            } else if !trimmed.hasPrefix("--") {
                lines.append(line)
            }
        }
        try finish()
        return blocks
    }
}

/// A registry of named statements: an enum with one case per block of its catalog, whose raw
/// value is the block's name.
protocol NamedQuery: CaseIterable, Sendable, RawRepresentable<String> {
    /// The catalog the cases name blocks of.
    static var catalog: QueryCatalog { get }
}

extension NamedQuery {
    /// The statement's text. Throws `DatabaseError` `.queryMissing` when the bundled files lack it.
    var text: String {
        get throws(DatabaseError) { try Self.catalog.sql(rawValue) }
    }
}
