import Hummingbird
import Logging

/// Turns every error into the API's JSON error body with the right status. Only
/// `SocialError`s carry their own message; anything else is logged and answered with a
/// generic one, so SQL, paths and stack traces never reach a client. Errors to `HEAD` requests
/// keep their status and headers and lose the body.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await respond(request, context: context, next: next)
        return request.method == .head ? response.createHeadResponse() : response
    }

    private func respond(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SocialError {
            var response = JSONResponse.error(status: Self.status(error.kind), code: error.code, message: error.message)
            if case .rateLimited(let seconds) = error.kind {
                response.headers[.retryAfter] = String(seconds)
            }
            return response
        } catch let error as HTTPError {
            let (code, message) = Self.describe(error.status)
            var response = JSONResponse.error(status: error.status, code: code, message: message)
            response.headers.append(contentsOf: error.headers)  // `Allow` of a 405
            return response
        } catch {
            logger.error(
                "request failed",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.error(
                status: .internalServerError, code: "internal", message: "an internal error occurred")
        }
    }

    static func status(_ kind: SocialError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .unprocessable: .unprocessableContent
        case .tooLarge: .contentTooLarge
        case .rateLimited: .tooManyRequests
        }
    }

    /// Codes and messages for Hummingbird's own errors (no route, bad parameter, ...).
    private static func describe(_ status: HTTPResponse.Status) -> (String, String) {
        switch status {
        case .notFound: ("not_found", "no such resource")
        case .badRequest: ("invalid", "the request is malformed")
        case .methodNotAllowed: ("method_not_allowed", "method not allowed")
        case .contentTooLarge: ("too_large", "the request body is too large")
        case .unauthorized: ("unauthorized", "a valid bearer token is required")
        default: status.code >= 500 ? ("internal", "an internal error occurred") : ("error", status.reasonPhrase)
        }
    }
}
