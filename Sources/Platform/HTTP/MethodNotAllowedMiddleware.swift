import HTTPTypes
import Hummingbird

/// Answers 405 with `Allow` when a request's path is a route's but its method is not one the
/// route has (TRACE, PATCH, ...). Added after every route, so it wraps only the router's
/// not-found responder and costs nothing on a matched request.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One route's path template, split at `/`: a literal, `{name}` or `*` for one segment,
    /// `**` for the rest.
    private struct Template: Sendable {
        var segments: [Substring]
        var methods: Set<HTTPRequest.Method>

        func matches(_ path: [Substring]) -> Bool {
            for (index, segment) in segments.enumerated() {
                if segment == "**" { return path.count > index }
                guard index < path.count else { return false }
                if segment == "*" || (segment.hasPrefix("{") && segment.hasSuffix("}")) { continue }
                if segment != path[index] { return false }
            }
            return path.count == segments.count
        }
    }

    private let templates: [Template]

    /// The routes of `router` (call after the last route is added).
    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in routes { byPath[route.path.description, default: []].insert(route.method) }
        templates = byPath.map { Template(segments: Self.split($0.key), methods: $0.value) }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = Self.split(request.uri.path)
        let allowed = templates.filter { $0.matches(path) }.reduce(into: Set<HTTPRequest.Method>()) {
            $0.formUnion($1.methods)
        }
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return try await next(request, context) }
        throw HTTPError(.methodNotAllowed, headers: [.allow: allowed.map(\.rawValue).sorted().joined(separator: ", ")])
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
