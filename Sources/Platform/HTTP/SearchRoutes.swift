import Foundation
import Hummingbird

/// Tag pages and user and tag search: public reads, no bearer token needed.
struct SearchRoutes: Sendable {
    let api: HTTPAPI

    func register(on router: Router<APIRequestContext>) {
        router.get("/api/v1/tags/{tag}/posts") { request, context in
            // Hummingbird hands the segment over as sent; a tag holds no `%`, so decoding an
            // already decoded segment changes nothing.
            let raw = context.parameters.get("tag") ?? ""
            let tag = raw.removingPercentEncoding ?? raw
            return try JSONResponse.make(try await api.search.posts(
                tagged: tag, page: try PageParameters.page(request), viewer: await api.auth.viewer(request)))
        }
        router.get("/api/v1/search/users") { request, _ in
            let (query, limit) = try Self.parameters(request)
            return try JSONResponse.make(try await api.search.users(matching: query, limit: limit))
        }
        router.get("/api/v1/search/tags") { request, _ in
            let (query, limit) = try Self.parameters(request)
            return try JSONResponse.make(try await api.search.tags(matching: query, limit: limit))
        }
    }

    /// `q` (required) and `limit` (1 to 50, default 20); 400 `invalid_query` / `invalid_limit`.
    static func parameters(_ request: Request) throws -> (query: String, limit: Int) {
        let parameters = request.uri.queryParameters
        guard let query = parameters.get("q") else {
            throw SocialError(.invalid, "invalid_query", "q is required")
        }
        var limit = SearchService.defaultLimit
        if let text = parameters.get("limit") {
            guard let value = Int(text), SearchService.limits.contains(value) else {
                throw SocialError(.invalid, "invalid_limit", "limit must be an integer from 1 to 50")
            }
            limit = value
        }
        return (query, limit)
    }
}
