import Foundation
import Testing

@testable import Platform

@Suite("Queue: named queries and schema")
struct QueueQueryTests {
    @Test func everyNamedQueryPreparesAgainstAMigratedDatabase() async throws {
        let fixture = try await QueueFixture.make()
        let names = try await fixture.pool.withConnection { connection in
            var names = [String]()
            for query in QueueQuery.allCases {
                // PREPARE parses, resolves names and types every parameter without running it.
                try connection.execute("PREPARE q_\(query.rawValue.lowercased()) AS \(try query.sql())")
                names.append(query.rawValue)
            }
            return names
        }
        #expect(names.count == QueueQuery.allCases.count)
        await fixture.close()
    }

    @Test func everyBlockInTheFilesHasACase() throws {
        let bundled = Set(try QueueQuery.bundledStatements().keys)
        #expect(bundled == Set(QueueQuery.allCases.map(\.rawValue)))
    }

    @Test func theParserSplitsNamedBlocksAndDropsCommentsAndTheSemicolon() throws {
        let blocks = try QueueQuery.parse(
            "-- header\n\n-- name: A\n-- about A\nSELECT 1;\n\n-- name: B\nSELECT\n  2;\n", file: "test.sql")
        #expect(blocks.map(\.0) == ["A", "B"])
        #expect(blocks.map(\.1) == ["SELECT 1", "SELECT\n  2"])
    }

    @Test func theSchemaRefusesInconsistentStates() async throws {
        let fixture = try await QueueFixture.make()
        let refused: [String] = [
            // running without a lease
            "INSERT INTO jobs (kind, state, attempts, started_at) VALUES ('k', 'running', 1, now())",
            // a lease on an available job
            "INSERT INTO jobs (kind, lease_owner, lease_expires_at) VALUES ('k', 'w', now())",
            // finished without finished_at, and available with one
            "INSERT INTO jobs (kind, state) VALUES ('k', 'succeeded')",
            "INSERT INTO jobs (kind, finished_at) VALUES ('k', now())",
            // more attempts than allowed, a bad lane
            "INSERT INTO jobs (kind, attempts, max_attempts) VALUES ('k', 3, 2)",
            "INSERT INTO jobs (kind, lane) VALUES ('k', 'Bad Lane')",
        ]
        for sql in refused {
            await #expect(throws: DatabaseError.self, "\(sql)") { try await fixture.pool.query(sql) }
        }
        try await fixture.pool.query("INSERT INTO jobs (kind) VALUES ('fine')")
        await fixture.close()
    }
}
