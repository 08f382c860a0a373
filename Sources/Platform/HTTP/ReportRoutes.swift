import Hummingbird

/// `POST /api/v1/posts/{id}/reports` and `POST /api/v1/users/{id}/reports`.
struct ReportRoutes: Sendable {
    let api: HTTPAPI

    /// A report's body: `{"reason": "spam"}`.
    struct Body: Decodable {
        var reason: String
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/api/v1/posts/{id}/reports") { request, context in
            let userID = try await api.auth.userID(request)
            let postID = try PathID.require(context)
            let reason = try await Self.reason(request)
            let outcome = try await api.reports.report(post: postID, by: userID, reason: reason)
            // The post leaves every feed it was in.
            if outcome.hidPost { api.feed.invalidateAll() }
            return Response(status: .noContent)
        }
        router.post("/api/v1/users/{id}/reports") { request, context in
            let userID = try await api.auth.userID(request)
            let target = try PathID.require(context)
            let reason = try await Self.reason(request)
            _ = try await api.reports.report(user: target, by: userID, reason: reason)
            return Response(status: .noContent)
        }
    }

    /// The body's reason; 400 `invalid_reason` for a code `ReportReason` does not list.
    static func reason(_ request: Request) async throws -> ReportReason {
        let body = try await JSONResponse.decode(Body.self, from: request)
        guard let reason = ReportReason(rawValue: body.reason) else {
            let codes = ReportReason.allCases.map(\.rawValue).joined(separator: ", ")
            throw SocialError(.invalid, "invalid_reason", "reason must be one of: \(codes)")
        }
        return reason
    }
}
