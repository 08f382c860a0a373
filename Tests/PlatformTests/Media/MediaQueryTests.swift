import Foundation
import Testing

@testable import Platform

@Suite("Media: named queries")
struct MediaQueryTests {
    @Test func everyNamedQueryPreparesAgainstAMigratedDatabase() async throws {
        let fixture = try await QueueFixture.make()
        let prepared = try await fixture.pool.withConnection { connection in
            var prepared = [String]()
            for query in MediaQuery.allCases {
                // PREPARE parses, resolves names and types every parameter without running it.
                try connection.execute("PREPARE m_\(query.rawValue.lowercased()) AS \(try query.sql())")
                prepared.append(query.rawValue)
            }
            return prepared
        }
        #expect(prepared == MediaQuery.allCases.map(\.rawValue))
        await fixture.close()
    }
}
