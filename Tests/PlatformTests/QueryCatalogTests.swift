import Foundation
import Testing

@testable import Platform

/// Every named statement of every catalog parses and resolves against a freshly migrated
/// database, and every block in the files has a case: a typo or a renamed column fails here.
@Suite("Named queries: every catalog")
struct QueryCatalogTests {
    /// Each registry's statements by name, and the names in its files.
    static func registries() throws -> [(catalog: String, statements: [(String, String)], bundled: Set<String>)] {
        func entry<Q: NamedQuery>(_: Q.Type) throws -> (String, [(String, String)], Set<String>) {
            (Q.catalog.folder, try Q.allCases.map { ($0.rawValue, try $0.text) }, try Q.catalog.names())
        }
        return [try entry(QueueQuery.self), try entry(MediaQuery.self), try entry(SocialQuery.self),
            try entry(ReplicaQuery.self), try entry(BlocklistQuery.self),
        ]
    }

    @Test func everyNamedStatementPreparesAgainstAMigratedDatabase() async throws {
        let registries = try Self.registries()
        let fixture = try await QueueFixture.make()
        let prepared = try await fixture.pool.withConnection { connection in
            var prepared = [String]()
            for (catalog, statements, _) in registries {
                for (name, sql) in statements {
                    // PREPARE parses, resolves names and types every parameter without running it.
                    // A VACUUM cannot be prepared: it runs (harmless on the fresh database).
                    if sql.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().hasPrefix("VACUUM") {
                        try connection.execute(sql)
                    } else {
                        try connection.execute("PREPARE \(catalog.lowercased())_\(name.lowercased()) AS \(sql)")
                    }
                    prepared.append("\(catalog)/\(name)")
                }
            }
            return prepared
        }
        let listed = registries.flatMap { registry in registry.statements.map { "\(registry.catalog)/\($0.0)" } }
        #expect(prepared == listed)
        #expect(registries.map(\.catalog) == ["Queries", "MediaQueries", "SocialQueries", "ReplicaQueries", "BlocklistQueries"])
        #expect(registries.allSatisfy { !$0.statements.isEmpty })
        await fixture.close()
    }

    @Test func everyBlockInTheFilesHasACase() throws {
        for (catalog, statements, bundled) in try Self.registries() {
            #expect(bundled == Set(statements.map(\.0)), "\(catalog)")
        }
    }

    @Test func aMissingNameIsADatabaseError() {
        #expect {
            _ = try SocialQuery.catalog.sql("NoSuchStatement")
        } throws: { error in
            (error as? DatabaseError)?.code == .queryMissing
        }
    }

    @Test func theParserSplitsNamedBlocksAndDropsCommentsAndTheSemicolon() throws {
        let blocks = try QueryCatalog.parse(
            "-- header\n\n-- name: A\n-- about A\nSELECT 1;\n\n-- name: B\nSELECT\n  2;\n", file: "test.sql")
        #expect(blocks.map(\.name) == ["A", "B"])
        #expect(blocks.map(\.sql) == ["SELECT 1", "SELECT\n  2"])
        #expect(throws: DatabaseError.self) { try QueryCatalog.parse("-- name: Empty\n-- nothing\n", file: "empty.sql") }
    }
}
