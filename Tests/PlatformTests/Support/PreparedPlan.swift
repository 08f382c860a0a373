@testable import Platform

extension DatabaseConnection {
    /// The plan PostgreSQL uses for `sql` as a prepared statement, as `EXPLAIN (COSTS OFF)`
    /// prints it (one line per node). `types` are its parameters' types as `PREPARE` takes them
    /// (empty: inferred); `arguments` the call's values as SQL literals in parentheses (empty:
    /// none). `warmUp` calls run first: from the sixth call on, PostgreSQL keeps the generic plan
    /// if it costs no more than the custom ones, as it does for `queryPrepared`'s statements. The
    /// statement is deallocated after.
    func preparedPlan(_ sql: String, types: [String] = [], arguments: String, warmUp: Int = 0) throws -> String {
        let signature = types.isEmpty ? "" : "(\(types.joined(separator: ", ")))"
        try execute("PREPARE plan_under_test\(signature) AS \(sql)")
        defer { try? execute("DEALLOCATE plan_under_test") }
        for _ in 0..<warmUp { _ = try query("EXECUTE plan_under_test\(arguments)") }
        let rows = try query("EXPLAIN (COSTS OFF) EXECUTE plan_under_test\(arguments)")
        return try rows.map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
    }
}
