import Foundation
import Hummingbird

/// Resolves `Authorization: Bearer <token>` to a user id for the write routes.
struct BearerAuth: Sendable {
    let users: UserService

    /// The caller's user id; 401 without a live token.
    func userID(_ request: Request) async throws -> Int64 {
        guard let token = Self.token(request) else { throw SocialError.unauthorized }
        return try await users.authenticate(token: token)
    }

    /// The caller's user id when the request carries a live token; nil otherwise (the public
    /// read routes answer anonymous callers, and answer a stale token as one).
    func viewer(_ request: Request) async -> Int64? {
        guard let token = Self.token(request) else { return nil }
        return try? await users.authenticate(token: token)
    }

    static func token(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else { return nil }
        let token = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
