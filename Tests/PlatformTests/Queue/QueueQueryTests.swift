import Foundation
import Testing

@testable import Platform

@Suite("Queue: schema")
struct QueueQueryTests {
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
