import Foundation
import Hummingbird

/// `/admin…`: the operator page, rendered by the server (see `OperatorPages`), its log-in and
/// log-out, its chart and its assets. Without credentials a page redirects to the log-in form;
/// an ordinary user's session gets a 403 page.
struct OperatorPageRoutes: Sendable {
    let api: HTTPAPI
    let auth: OperatorAuth
    let console: OperatorConsole

    private struct LogIn: Decodable {
        var username: String?
        var password: String?
        var token: String?
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/admin/assets/{name}") { _, context in
            switch context.parameters.get("name") {
            case "admin.css": asset(OperatorAssets.css, type: "text/css; charset=utf-8")
            case "admin.js": asset(OperatorAssets.script, type: "text/javascript; charset=utf-8")
            case "icon.svg": asset(OperatorAssets.icon, type: "image/svg+xml")
            default: throw SocialError.notFound("asset")
            }
        }
        router.get("/admin/login") { _, _ in loginPage(message: nil, status: .ok) }
        router.post("/admin/login") { request, context in try await logIn(request, context) }
        router.post("/admin/logout") { request, _ in
            _ = try await auth.writer(request)
            if let cookie = request.cookies[OperatorAuth.cookieName]?.value, cookie.hasPrefix("s.") {
                try? await api.users.logOut(token: String(cookie.dropFirst(2)))
            }
            var response = Response(status: .noContent)
            response.setCookie(auth.cookie("", maxAge: 0))
            return response
        }
        router.get("/admin") { request, _ in
            try await page(request, title: "Overview", live: true) { _ in
                let overview = try await console.overview()
                let running = try await console.queue.list(JobFilter(state: .running), limit: 20)
                return OperatorPages.overview(overview, running: running)
            }
        }
        router.get("/admin/chart.svg") { request, _ in
            _ = try await auth.principal(request)
            var headers = OperatorLayout.securityHeaders
            headers[.contentType] = "image/svg+xml"
            let svg = ThroughputChart.svg(try await console.queue.throughput(minutes: 60))
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: svg)))
        }
        router.get("/admin/jobs") { request, _ in
            try await page(request, title: "Jobs") { _ in
                let (filter, limit) = (try OperatorParameters.filter(request), try OperatorParameters.limit(request))
                let jobs = try await console.queue.list(filter, limit: limit, before: try OperatorParameters.before(request))
                return OperatorPages.jobs(jobs, filter: filter, limit: limit)
            }
        }
        router.get("/admin/jobs/{id}") { request, context in
            try await page(request, title: "Job") { _ in OperatorPages.job(try await console.job(id: try PathID.require(context))) }
        }
        router.get("/admin/failures") { request, _ in
            try await page(request, title: "Failures") { _ in
                let window = try OperatorParameters.window(request)
                let failures = OperatorFailures(windowSeconds: window, codes: try await console.queue.failureCodes(window: .seconds(window)))
                return OperatorPages.failures(failures, quarantines: try await console.queue.quarantines())
            }
        }
        router.get("/admin/media") { request, _ in
            try await page(request, title: "Media") { _ in
                OperatorPages.mediaList(
                    try await console.recentMedia(
                        status: try OperatorParameters.mediaStatus(request), limit: try OperatorParameters.limit(request)))
            }
        }
        router.get("/admin/media/{id}") { request, context in
            try await page(request, title: "Media") { _ in OperatorPages.media(try await console.media(id: try PathID.require(context))) }
        }
        router.get("/admin/moderation") { request, _ in
            try await page(request, title: "Moderation") { _ in
                OperatorPages.moderation(try await console.moderationOverview(limit: try OperatorParameters.limit(request)))
            }
        }
    }

    /// A page for an operator: the log-in form's address for a request without credentials, a
    /// 403 page for one that is not an operator's, else `render`'s body in the frame.
    private func page(
        _ request: Request, title: String, live: Bool = false,
        _ render: (OperatorAuth.Principal) async throws -> Markup
    ) async throws -> Response {
        let principal: OperatorAuth.Principal
        do {
            principal = try await auth.principal(request)
        } catch let error as SocialError where error.kind == .unauthorized {
            return Response(status: .seeOther, headers: [.location: "/admin/login"])
        } catch let error as SocialError where error.kind == .forbidden {
            let body: Markup = "<section class=\"login\"><h1>Not an operator</h1><p>\(error.message)</p></section>"
            var response = OperatorLayout.page(title: "Forbidden", csrf: nil, body)
            response.status = .forbidden
            return response
        }
        do {
            return OperatorLayout.page(title: title, csrf: principal.csrfToken, live: live, try await render(principal))
        } catch let error as SocialError where error.kind == .notFound || error.kind == .invalid {
            let body: Markup = "<section><h1>\(error.kind == .notFound ? "Not found" : "Bad request")</h1><p>\(error.message)</p></section>"
            var response = OperatorLayout.page(title: "Error", csrf: principal.csrfToken, body)
            response.status = APIErrorMiddleware<APIRequestContext>.status(error.kind)
            return response
        }
    }

    private func logIn(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024)
        let form = try? URLEncodedFormDecoder().decode(LogIn.self, from: String(buffer: buffer))
        let address = ClientAddress.of(request, context: context, trusted: api.configuration.trustedProxies)
        if let address { try api.limiter.take(.logIn, .address(address)) }
        if let token = form?.token, !token.isEmpty {
            guard let expected = auth.operatorToken, OperatorAuth.same(token, expected) else {
                return loginPage(message: "That is not the operator token.", status: .unauthorized)
            }
            return signedIn(OperatorAuth.operatorCookie(expected))
        }
        guard let username = form?.username, let password = form?.password, !username.isEmpty else {
            return loginPage(message: "Give a username and password, or the operator token.", status: .badRequest)
        }
        let session: NewSession
        do {
            session = try await api.users.logIn(username: username, password: password, address: address)
        } catch let error as SocialError {
            return loginPage(message: error.message, status: APIErrorMiddleware<APIRequestContext>.status(error.kind))
        }
        guard let userID = Int64(session.userID), try await api.users.isOperator(userID: userID) else {
            try? await api.users.logOut(token: session.token)
            return loginPage(message: "This account is not an operator.", status: .forbidden)
        }
        return signedIn(OperatorAuth.sessionCookie(session.token))
    }

    private func signedIn(_ cookie: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: "/admin"])
        response.setCookie(auth.cookie(cookie))
        return response
    }

    private func loginPage(message: String?, status: HTTPResponse.Status) -> Response {
        let note: Markup = message.map { "<p class=\"bad\" id=\"login-error\">\($0)</p>" } ?? ""
        let body: Markup = """
            <section class="login"><h1>Operator log-in</h1>\(note)
            <form method="post" action="/admin/login"><label>username<input name="username" id="username" autocomplete="username"></label>
            <label>password<input name="password" id="password" type="password" autocomplete="current-password"></label>
            <button type="submit" id="login">Log in</button></form>
            <form method="post" action="/admin/login"><label>or the operator token<input name="token" id="token" type="password"></label>
            <button type="submit" id="token-login">Log in with the token</button></form></section>
            """
        var response = OperatorLayout.page(title: "Log in", csrf: nil, body)
        response.status = status
        return response
    }

    private func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
