import CLibPQ
import Foundation

/// The one place that calls libpq for results and turns its return codes into `DatabaseError`s.
///
/// `PGconn` and `PGresult` arrive in Swift as `OpaquePointer`; nothing here escapes the module.
enum LibPQ {
    // PG_DIAG_* field codes are character macros, which Swift does not import.
    private static let fieldSeverity = Int32(UInt8(ascii: "V"))
    private static let fieldSQLState = Int32(UInt8(ascii: "C"))
    private static let fieldPrimary = Int32(UInt8(ascii: "M"))
    private static let fieldDetail = Int32(UInt8(ascii: "D"))
    private static let fieldHint = Int32(UInt8(ascii: "H"))

    /// PostgreSQL's protocol limit on bind parameters per statement.
    static let maximumParameters = 65_535

    /// Throws `.invalidConfiguration` when `url` is neither a libpq URL nor `key=value` pairs.
    static func validateConnectionString(_ url: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            throw DatabaseError(.invalidConfiguration, "bad database URL: \(message.trimmed)")
        }
        PQconninfoFree(options)
    }

    /// Opens a connection (blocking). `keywords` and `values` pair up; a `dbname` value may be
    /// a whole URL, which libpq expands.
    static func connect(keywords: [String], values: [String]) throws -> OpaquePointer {
        let handle = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { throw DatabaseError(.connectionFailed, "libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = errorMessage(handle)
            PQfinish(handle)
            throw DatabaseError(.connectionFailed, "cannot connect: \(message)")
        }
        return handle
    }

    /// Runs one statement through `PQexecParams`: parameters whose type has a binary form go in
    /// binary, the others as text.
    static func execute(
        _ handle: OpaquePointer, _ sql: String, _ parameters: [(any PostgresEncodable)?]
    ) throws -> QueryResult {
        guard parameters.count <= maximumParameters else {
            throw DatabaseError(.queryFailed, "\(parameters.count) parameters; PostgreSQL accepts \(maximumParameters)")
        }
        let types = parameterTypes(parameters)
        let result = withParameterValues(parameters, binaryAt: { $1.sendsPostgresBinary }) { values, lengths, formats in
            PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
        return try consume(result, handle, sql: sql)
    }

    /// The type OIDs to declare for `parameters` (0, for nil or a type left to the server, lets
    /// the server infer it).
    static func parameterTypes(_ parameters: [(any PostgresEncodable)?]) -> [Oid] {
        parameters.map { value -> Oid in
            guard let value else { return 0 }
            return type(of: value).postgresTypeOID
        }
    }

    /// Prepares `sql` as the named statement `name` (`PQprepare`) with parameter types `types`
    /// (0 leaves a type to the server).
    static func prepare(_ handle: OpaquePointer, name: String, _ sql: String, types: [Oid]) throws {
        let result = PQprepare(handle, name, sql, Int32(types.count), types)
        defer { PQclear(result) }
        try check(result, handle, sql: sql)
    }

    /// Runs the prepared statement `name` through `PQexecPrepared`. `preparedTypes` are the types
    /// it was prepared with: a parameter goes in binary only when it has a binary form and its
    /// type is the one prepared (the server reads binary by the prepared type), else as text.
    static func executePrepared(
        _ handle: OpaquePointer, name: String, sql: String, preparedTypes: [Oid],
        _ parameters: [(any PostgresEncodable)?]
    ) throws -> QueryResult {
        let binary = { (index: Int, value: any PostgresEncodable) -> Bool in
            value.sendsPostgresBinary && index < preparedTypes.count
                && preparedTypes[index] == type(of: value).postgresTypeOID
        }
        let result = withParameterValues(parameters, binaryAt: binary) { values, lengths, formats in
            PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
        }
        return try consume(result, handle, sql: sql)
    }

    /// Runs a script of one or more statements through `PQexec`; returns the last command tag.
    @discardableResult
    static func executeScript(_ handle: OpaquePointer, _ sql: String) throws -> String {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, handle, sql: sql)
        return String(cString: PQcmdStatus(result))
    }

    /// The connection's last error text, trimmed.
    static func errorMessage(_ handle: OpaquePointer) -> String {
        guard let text = PQerrorMessage(handle) else { return "unknown libpq error" }
        return String(cString: text).trimmed
    }

    /// Reads a notice or warning result's severity, text and SQLSTATE.
    static func notice(_ result: OpaquePointer) -> (severity: String, message: String, sqlState: String?) {
        (
            field(result, fieldSeverity) ?? "NOTICE",
            field(result, fieldPrimary) ?? "",
            field(result, fieldSQLState)
        )
    }

    private static func consume(_ result: OpaquePointer?, _ handle: OpaquePointer, sql: String) throws -> QueryResult {
        defer { PQclear(result) }
        try check(result, handle, sql: sql)
        guard let result else { throw DatabaseError(.queryFailed, "no result") }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns = [QueryResult.Column]()
        columns.reserveCapacity(columnCount)
        for column in 0..<Int32(columnCount) {
            columns.append(.init(name: String(cString: PQfname(result, column)), typeOID: PQftype(result, column)))
        }
        var cells = [String?]()
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column) else {
                    cells.append(nil)
                    continue
                }
                // Text values hold no NUL: libpq's length is the C string's, without measuring it again.
                let length = Int(max(0, PQgetlength(result, row, column)))
                cells.append(String(decoding: UnsafeRawBufferPointer(start: value, count: length), as: UTF8.self))
            }
        }
        let tag = String(cString: PQcmdTuples(result))
        return QueryResult(columns: columns, cells: cells, affectedRows: Int(tag))
    }

    private static func check(_ result: OpaquePointer?, _ handle: OpaquePointer, sql: String) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            throw error(result, handle, sql: sql)
        }
    }

    private static func error(_ result: OpaquePointer?, _ handle: OpaquePointer, sql: String) -> DatabaseError {
        let statement = summary(of: sql)
        let sqlState = result.flatMap { field($0, fieldSQLState) }
        if PQstatus(handle) != CONNECTION_OK {
            let message = result.flatMap { field($0, fieldPrimary) } ?? errorMessage(handle)
            return DatabaseError(.connectionLost, "\(message) (running \(statement))", sqlState: sqlState)
        }
        guard let result, var message = field(result, fieldPrimary) else {
            return DatabaseError(.queryFailed, "\(errorMessage(handle)) (running \(statement))", sqlState: sqlState)
        }
        if let detail = field(result, fieldDetail) { message += "; detail: \(detail)" }
        if let hint = field(result, fieldHint) { message += "; hint: \(hint)" }
        return DatabaseError(.queryFailed, "\(message) (running \(statement))", sqlState: sqlState)
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }

    /// The statement's first line, shortened: context for errors without leaking whole scripts.
    private static func summary(of sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).first.map(String.init) ?? sql
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 80 ? String(trimmed.prefix(80)) + "…" : trimmed
    }

    /// Calls `body` with a C array of NUL-terminated copies of `strings` (nil stays NULL),
    /// freed when `body` returns.
    private static func withCStrings<R>(
        _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Calls `body` with libpq's parameter arrays: values (a NUL-terminated text copy, the binary
    /// bytes, or NULL for nil), their lengths (read for binary values only) and formats (0 text,
    /// 1 binary). The copies are freed when `body` returns.
    private static func withParameterValues<R>(
        _ parameters: [(any PostgresEncodable)?], binaryAt binary: (Int, any PostgresEncodable) -> Bool,
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        var copies = [UnsafeMutablePointer<CChar>?]()
        var lengths = [Int32]()
        var formats = [Int32]()
        copies.reserveCapacity(parameters.count + 1)
        lengths.reserveCapacity(parameters.count)
        formats.reserveCapacity(parameters.count)
        defer { copies.forEach { free($0) } }
        var bytes = [UInt8]()
        for (index, parameter) in parameters.enumerated() {
            guard let parameter else {
                copies.append(nil)
                lengths.append(0)
                formats.append(0)
                continue
            }
            if binary(index, parameter) {
                bytes.removeAll(keepingCapacity: true)
                parameter.appendPostgresBinary(to: &bytes)
                let copy = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: CChar.self)
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { memcpy(copy, base, source.count) }
                }
                copies.append(copy)
                lengths.append(Int32(clamping: bytes.count))
                formats.append(1)
            } else {
                copies.append(strdup(parameter.postgresText))
                lengths.append(0)
                formats.append(0)
            }
        }
        let pointers = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { values in
            lengths.withUnsafeBufferPointer { lengths in
                formats.withUnsafeBufferPointer { formats in
                    body(values.baseAddress!, lengths.baseAddress, formats.baseAddress)
                }
            }
        }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
