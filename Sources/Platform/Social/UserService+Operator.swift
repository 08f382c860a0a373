/// The operator role: users who may open the operator page with their normal log-in.
extension UserService {
    /// Grants (or with `false` revokes) the operator role of `username`; throws 404 `not_found`
    /// when there is no such user.
    public func setOperator(username: String, _ isOperator: Bool) async throws {
        let rows = try await pool.query(SocialQuery.setOperator, [username, isOperator])
        if rows.isEmpty { throw SocialError.notFound("user") }
    }

    /// Whether `userID` holds the operator role (false for an unknown user). Read on every
    /// operator request, never cached, so a revocation holds at once on every daemon.
    public func isOperator(userID: Int64) async throws -> Bool {
        let rows = try await pool.query(SocialQuery.userIsOperator, [userID])
        return try rows.first?["is_operator", as: Bool.self] ?? false
    }
}
