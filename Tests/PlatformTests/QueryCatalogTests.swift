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
            "-- header\n\n-- name: A\n-- about A\nSELECT 1;\n\n-- fragment: F(x, y_2)\n{x} + {y_2};\n-- name: B\nSELECT\n  2;\n",
            file: "test.sql")
        #expect(blocks.map(\.name) == ["A", "F", "B"])
        #expect(blocks.map(\.sql) == ["SELECT 1", "{x} + {y_2}", "SELECT\n  2"])
        #expect(blocks.map(\.parameters) == [nil, ["x", "y_2"], nil])
        #expect(throws: DatabaseError.self) { try QueryCatalog.parse("-- name: Empty\n-- nothing\n", file: "empty.sql") }
        for header in ["F(x", "F(x, x)", "F(x-y)", "(x)", "F G"] {
            #expect(throws: DatabaseError.self, "\(header)") { try QueryCatalog.parse("-- fragment: \(header)\nSELECT 1\n", file: "f.sql") }
        }
    }

    /// Resolves one file's text into statements.
    private func statements(_ text: String) throws -> [String: String] {
        try QueryCatalog.resolve(QueryCatalog.parse(text, file: "test.sql").map { ("test.sql", $0) }, folder: "test")
    }

    @Test func fragmentsAreIncludedWithTheirArgumentsNestedAndInAnyOrder() throws {
        let resolved = try statements(
            """
            -- name: Page
            SELECT {{Columns t=p}} FROM posts p WHERE p.id = $1 AND {{Visible t=p viewer=$2::int8}};
            -- fragment: Columns(t)
            {t}.id, {{Count t={t}}} AS n;
            -- fragment: Count(t)
            coalesce({t}.n, 0);
            -- fragment: Visible(t, viewer)
            NOT {t}.hidden
              AND {t}.owner <> {viewer};
            -- name: Plain
            SELECT 1
            """)
        #expect(resolved.count == 2, "fragments are not statements")
        #expect(resolved["Plain"] == "SELECT 1")
        #expect(resolved["Page"] == "SELECT p.id, coalesce(p.n, 0) AS n FROM posts p WHERE p.id = $1 AND NOT p.hidden\n  AND p.owner <> $2::int8")
    }

    @Test func aBadInclusionFailsTheLoadNamingTheStatement() throws {
        let cases = [
            "-- name: A\nSELECT {{Nope}}",  // no such fragment
            "-- name: A\nSELECT {{F}}\n-- fragment: F(x)\n{x}",  // an argument missing
            "-- name: A\nSELECT {{F x=1 y=2}}\n-- fragment: F(x)\n{x}",  // an unknown one
            "-- name: A\nSELECT {{F x=1 x=2}}\n-- fragment: F(x)\n{x}",  // given twice
            "-- name: A\nSELECT {{F x}}\n-- fragment: F(x)\n{x}",  // not name=value
            "-- name: A\nSELECT {{F x=1\n-- fragment: F(x)\n{x}",  // unclosed
            "-- name: A\nSELECT {{F x=1}}\n-- fragment: F(x, y)\n{x}",  // a parameter never used
            "-- name: A\nSELECT {{F}}\n-- fragment: F\n{{F}}",  // includes itself
            "-- name: A\nSELECT 1\n-- name: A\nSELECT 2",  // a statement twice
            "-- name: A\nSELECT 1\n-- fragment: F\n1\n-- fragment: F\n2",  // a fragment twice
        ]
        for text in cases {
            #expect(throws: DatabaseError.self, "\(text)") { try statements(text) }
        }
        do {
            _ = try statements("-- name: Broken\nSELECT {{Nope}}")
        } catch let error as DatabaseError {
            #expect(error.code == .queryMissing)
            #expect("\(error)".contains("Broken") && "\(error)".contains("Nope"))
        }
    }

    @Test func everyBundledStatementHasItsFragmentsIncluded() throws {
        for (catalog, statements, _) in try Self.registries() {
            for (name, sql) in statements {
                #expect(!sql.contains("{{") && !sql.contains("}}"), "\(catalog)/\(name)")
            }
        }
        // The post reads share one column list: each has PostColumns' count expression once.
        let reads: [SocialQuery] = [.getPost, .userPostsPage, .tagPostsPage, .feedPage, .sessionFeedPage]
        for query in reads {
            let text = try query.text
            #expect(text.components(separatedBy: "FROM like_deltas d WHERE d.post_id = p.id").count == 2, "\(query)")
        }
    }
}
