import Foundation
import Logging
import Testing

@testable import Platform

@Suite("Connection: errors, transactions, notices")
struct DatabaseConnectionTests {
    let url: String

    init() async throws {
        url = try await TestCluster.shared().makeDatabase()
    }

    private func connect(_ logger: Logger = Logger(label: "test")) throws -> DatabaseConnection {
        try DatabaseConnection(url: url, logger: logger)
    }

    @Test func badParameterTextFailsWithInvalidTextRepresentation() throws {
        let connection = try connect()
        let error = #expect(throws: DatabaseError.self) { try connection.query("SELECT $1::int", ["abc"]) }
        #expect(error?.code == .queryFailed)
        #expect(error?.sqlState == "22P02")
        #expect(error?.message.contains("SELECT $1::int") == true)
        #expect(error?.isTransient == false)
        // The connection stays usable after a statement error.
        #expect(try connection.query("SELECT $1::int", ["12"])[0].decode(Int.self, at: 0) == 12)
    }

    @Test func uniqueViolationCarriesItsSQLState() throws {
        let connection = try connect()
        try connection.execute("CREATE TABLE users (name text PRIMARY KEY)")
        try connection.query("INSERT INTO users VALUES ($1)", ["ada"])
        let error = #expect(throws: DatabaseError.self) {
            try connection.query("INSERT INTO users VALUES ($1)", ["ada"])
        }
        #expect(error?.code == .queryFailed)
        #expect(error?.sqlState == "23505")
        #expect(error?.message.contains("detail: Key (name)=(ada) already exists") == true)
    }

    @Test func syntaxErrorsAndMultipleStatementsInAQueryAreRejected() throws {
        let connection = try connect()
        let syntax = #expect(throws: DatabaseError.self) { try connection.query("SELEC 1") }
        #expect(syntax?.sqlState == "42601")
        let multiple = #expect(throws: DatabaseError.self) { try connection.query("SELECT 1; SELECT 2") }
        #expect(multiple?.sqlState == "42601")
        try connection.execute("CREATE TABLE a (n int); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2)")
        #expect(try connection.query("SELECT count(*) FROM a")[0].decode(Int.self, at: 0) == 2)
    }

    @Test func parametersAreNeverInterpretedAsSQL() throws {
        let connection = try connect()
        try connection.execute("CREATE TABLE notes (body text)")
        let hostile = "x'); DROP TABLE notes; --"
        try connection.query("INSERT INTO notes VALUES ($1)", [hostile])
        #expect(try connection.query("SELECT body FROM notes")[0].decode(String.self, at: 0) == hostile)
    }

    @Test func transactionCommitsOrRollsBackWhenTheBodyThrows() throws {
        struct Abort: Error {}
        let connection = try connect()
        try connection.execute("CREATE TABLE items (n int)")
        let returned = try connection.transaction { transaction in
            try transaction.query("INSERT INTO items VALUES ($1)", [1])
            return "done"
        }
        #expect(returned == "done")
        #expect(throws: Abort.self) {
            try connection.transaction { transaction in
                try transaction.query("INSERT INTO items VALUES ($1)", [2])
                throw Abort()
            }
        }
        let values = try connection.query("SELECT n FROM items").map { try $0.decode(Int.self, at: 0) }
        #expect(values == [1])
        #expect(try connection.transaction { _ in 1 } == 1)
    }

    @Test func aTransactionWhoseStatementFailedIsNotReportedAsCommitted() throws {
        let connection = try connect()
        try connection.execute("CREATE TABLE items (n int PRIMARY KEY)")
        let error = #expect(throws: DatabaseError.self) {
            try connection.transaction { transaction in
                try transaction.query("INSERT INTO items VALUES ($1)", [1])
                _ = try? transaction.query("INSERT INTO items VALUES ($1)", [1])
            }
        }
        #expect(error?.message.contains("rolled back") == true)
        #expect(try connection.query("SELECT count(*) FROM items")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func transactionsDoNotNest() throws {
        let connection = try connect()
        #expect(throws: DatabaseError.self) {
            try connection.transaction { transaction in try transaction.transaction { _ in } }
        }
        #expect(try connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }

    @Test func serverNoticesReachTheLogger() throws {
        let capture = LogCapture()
        let connection = try connect(capture.logger)
        try connection.execute(
            "DO $$ BEGIN RAISE NOTICE 'thumbnail % ready', 42; RAISE WARNING 'disk nearly full'; END $$")
        let entries = capture.messages
        #expect(entries.contains { $0.level == .notice && $0.message == "thumbnail 42 ready" })
        #expect(entries.contains { $0.level == .warning && $0.message == "disk nearly full" })
    }

    @Test func sessionSettingsAreDeterministic() throws {
        let row = try connect().query(
            "SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('bytea_output'),"
                + " current_setting('client_encoding')")[0]
        #expect(try (0..<4).map { try row.decode(String.self, at: $0) } == ["UTC", "ISO, MDY", "hex", "UTF8"])
    }

    @Test func badURLsAndUnreachableServersAreDistinguished() throws {
        let malformed = #expect(throws: DatabaseError.self) {
            try DatabaseConnection(url: "postgresql://host:notaport:x/db?bogus_option=1", logger: Logger(label: "test"))
        }
        #expect(malformed?.code == .invalidConfiguration)
        let unreachable = #expect(throws: DatabaseError.self) {
            try DatabaseConnection(url: "postgresql://postgres@/postgres?host=/nonexistent&port=1", logger: Logger(label: "test"))
        }
        #expect(unreachable?.code == .connectionFailed)
        #expect(unreachable?.isTransient == true)
    }
}
