import Hummingbird

/// Times every request and records it under its route pattern (never the raw path, which
/// would make one series per id). Sits outside `APIErrorMiddleware`, so it sees final statuses.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HTTPMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            metrics.record(
                method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                duration: start.duration(to: .now))
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
