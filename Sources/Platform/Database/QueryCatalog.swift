import Foundation

/// Named SQL statements: the `-- name: X` blocks of the `.sql` files in one folder of the
/// module's resources (`Queue/Queries`, `Media/MediaQueries`, `Social/SocialQueries`).
///
/// Every statement the module runs comes from a catalog: nothing is concatenated at run time,
/// every value travels as a parameter. The files are read once, when the catalog is first used.
///
/// SQL that several statements share is written once, as a fragment: a `-- fragment: X(a, b)`
/// block, whose text names its parameters as `{a}` and `{b}`. A statement (or another
/// fragment) includes it as `{{X a=$1 b=p.id}}`, each value one word of SQL text: the fragment's
/// text with every `{a}` replaced takes the place of the braces when the catalog loads, so what
/// PostgreSQL prepares is the whole statement, planned as if written out. A fragment of any
/// file of the folder can be included; an unknown fragment, a missing, unknown or repeated
/// argument, or a parameter the fragment's text never uses fails the load. Fragments are not
/// statements: they have no case and are never run alone.
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
        var blocks = [(file: String, block: Block)]()
        for file in files.sorted() {
            let text: String
            do {
                text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            } catch {
                throw DatabaseError(.queryMissing, "cannot read \(folder)/\(file): \(error)")
            }
            blocks += try parse(text, file: file).map { (file, $0) }
        }
        return try resolve(blocks, folder: folder)
    }

    /// The statements of `blocks` by name, their fragments included.
    static func resolve(_ blocks: [(file: String, block: Block)], folder: String) throws(DatabaseError) -> [String: String] {
        var fragments = [String: Block]()
        var statements = [String: String]()
        for (file, block) in blocks {
            let taken = block.parameters == nil ? statements[block.name] != nil : fragments[block.name] != nil
            guard !taken else {
                throw DatabaseError(.queryMissing, "\(block.name) is defined twice in \(folder) (last in \(file))")
            }
            if block.parameters == nil { statements[block.name] = block.sql } else { fragments[block.name] = block }
        }
        for fragment in fragments.values {
            for parameter in fragment.parameters ?? [] where !fragment.sql.contains("{\(parameter)}") {
                throw DatabaseError(.queryMissing, "fragment \(fragment.name) in \(folder) never uses its parameter {\(parameter)}")
            }
        }
        for (name, sql) in statements {
            statements[name] = try include(fragments, in: sql, of: name)
        }
        return statements
    }

    /// `sql` with every `{{Fragment a=value}}` replaced by the fragment's text, nested
    /// inclusions too (up to `depth` levels, so a fragment including itself fails).
    static func include(_ fragments: [String: Block], in sql: String, of name: String, depth: Int = 8) throws(DatabaseError)
        -> String
    {
        func failure(_ reason: String) -> DatabaseError {
            DatabaseError(.queryMissing, "\(name): \(reason)")
        }
        var result = ""
        var rest = Substring(sql)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw failure("a {{ without its }}") }
            let words = rest[open.upperBound..<close.lowerBound].split(whereSeparator: \.isWhitespace)
            guard let called = words.first, let fragment = fragments[String(called)], let parameters = fragment.parameters else {
                throw failure("no fragment \(words.first.map(String.init) ?? "(none)")")
            }
            guard depth > 0 else { throw failure("fragments nested too deep at \(called)") }
            var arguments = [String: Substring]()
            for word in words.dropFirst() {
                guard let equals = word.firstIndex(of: "="), equals != word.startIndex, word.index(after: equals) != word.endIndex else {
                    throw failure("\(called)'s argument \(word) is not name=value")
                }
                let parameter = String(word[..<equals])
                guard parameters.contains(parameter), arguments[parameter] == nil else {
                    throw failure("\(called) has no parameter \(parameter), or it is given twice")
                }
                arguments[parameter] = word[word.index(after: equals)...]
            }
            guard arguments.count == parameters.count else {
                throw failure("\(called) needs \(parameters.filter { arguments[$0] == nil }.joined(separator: ", "))")
            }
            var text = fragment.sql
            for (parameter, value) in arguments {
                text = text.replacingOccurrences(of: "{\(parameter)}", with: value)
            }
            result += try include(fragments, in: text, of: name, depth: depth - 1)
            rest = rest[close.upperBound...]
        }
        result += rest
        return result
    }

    /// A `-- name:` or `-- fragment:` block of a file.
    struct Block: Sendable {
        var name: String
        var sql: String
        /// A fragment's parameters, in order (empty: none); nil for a statement.
        var parameters: [String]?
    }

    /// Splits a file into `-- name: X` and `-- fragment: X(a, b)` blocks. Comment lines are
    /// dropped, and so is the final `;`. Fragments are not included here (`resolve`).
    static func parse(_ text: String, file: String) throws(DatabaseError) -> [Block] {
        var blocks = [Block]()
        var current: Block?
        var lines = [Substring]()
        func finish() throws(DatabaseError) {
            guard var block = current else { return }
            let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw DatabaseError(.queryMissing, "\(block.name) in \(file) is empty") }
            block.sql = body.hasSuffix(";") ? String(body.dropLast()) : body
            blocks.append(block)
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-- name:") {
                try finish()
                current = Block(name: trimmed.dropFirst("-- name:".count).trimmingCharacters(in: .whitespaces), sql: "")
                lines = []
            } else if trimmed.hasPrefix("-- fragment:") {
                try finish()
                current = try fragmentHeader(trimmed.dropFirst("-- fragment:".count), file: file)
                lines = []
            } else if !trimmed.hasPrefix("--") {
                lines.append(line)
            }
        }
        try finish()
        return blocks
    }

    /// `X(a, b)` or `X`: a fragment's name and parameters (words of letters, digits and `_`).
    private static func fragmentHeader(_ header: Substring, file: String) throws(DatabaseError) -> Block {
        let header = header.trimmingCharacters(in: .whitespaces)
        func isWord(_ text: some StringProtocol) -> Bool {
            !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
        let name: String
        var parameters: [String] = []
        if let open = header.firstIndex(of: "(") {
            guard header.hasSuffix(")") else { throw DatabaseError(.queryMissing, "fragment \(header) in \(file): no closing )") }
            name = String(header[..<open])
            let list = header[header.index(after: open)..<header.index(before: header.endIndex)]
            parameters = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            name = header
        }
        guard isWord(name), parameters.allSatisfy(isWord), Set(parameters).count == parameters.count else {
            throw DatabaseError(.queryMissing, "fragment \(header) in \(file): a name and parameters must be words, once each")
        }
        return Block(name: name, sql: "", parameters: parameters)
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
