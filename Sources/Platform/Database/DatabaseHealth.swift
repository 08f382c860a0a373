public import Foundation

/// PostgreSQL as the operator page shows it: reachable, migrated, how fast, how big.
public struct DatabaseHealth: Sendable, Hashable, Codable {
    public var reachable: Bool
    /// Every bundled migration applied.
    public var upToDate: Bool
    public var serverVersion: String?
    /// One round trip of the health query, in milliseconds.
    public var latencyMilliseconds: Double?
    public var sizeBytes: Int64?
    public var connections: Int?
    /// Why the database is not reachable, when it is not.
    public var error: String?

    /// Checks `pool`'s database; never throws (an unreachable database is a health to show).
    public static func check(_ pool: DatabasePool, migrator: Migrator) async -> DatabaseHealth {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let rows = try await pool.query(try QueueQuery.databaseHealth.sql())
            let elapsed = (clock.now - started).queueSeconds * 1000
            let upToDate = try await migrator.status(pool).isUpToDate
            let row = rows.first
            return DatabaseHealth(
                reachable: true, upToDate: upToDate, serverVersion: try row?.decode(column: "server_version"),
                latencyMilliseconds: elapsed, sizeBytes: try row?.decode(column: "size_bytes"),
                connections: try row?.decode(column: "connections"), error: nil)
        } catch {
            return DatabaseHealth(reachable: false, upToDate: false, error: "\(error)")
        }
    }
}
