import Foundation
import HTTPTypes
import Hummingbird

/// Who may use the operator page, and how a request proves it.
///
/// Two credentials are accepted: the operator token (`HTTPConfiguration.operatorToken`, from the
/// environment or a file, never a flag) and the session token of a user holding the operator
/// role (`mediadaemon users grant-operator NAME`). A request carries one either as
/// `Authorization: Bearer …` (scripts, the JSON API) or in the page's cookie, set by the
/// log-in form. No credential is 401; a live session of an ordinary user is 403.
///
/// A write authenticated by the cookie must also carry the session's CSRF token (header
/// `X-CSRF-Token`): the token is derived from the credential, so another site, which can make
/// the browser send the cookie but cannot read it, cannot forge it. A bearer header needs no
/// CSRF token (a browser never adds one by itself).
struct OperatorAuth: Sendable {
    /// The cookie holding the page's credential (path `/admin`, HttpOnly, SameSite=Strict).
    static let cookieName = "mediadaemon_operator"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")

    let users: UserService
    let operatorToken: String?

    /// A request's proven operator.
    struct Principal: Sendable {
        /// `operator-token`, or the user id holding the role.
        let name: String
        /// The cookie value or bearer token this request presented.
        let credential: String
        /// True when it came in the cookie: writes then need the CSRF token.
        let fromCookie: Bool

        /// The CSRF token of this credential.
        var csrfToken: String { OperatorAuth.csrfToken(for: credential) }
    }

    /// The request's operator; 401 without a credential or with a dead one, 403 for a user
    /// without the operator role.
    func principal(_ request: Request) async throws -> Principal {
        if let bearer = BearerAuth.token(request) {
            if let token = operatorToken, Self.same(bearer, token) {
                return Principal(name: "operator-token", credential: bearer, fromCookie: false)
            }
            return try await sessionPrincipal(token: bearer, credential: bearer, fromCookie: false)
        }
        guard let cookie = request.cookies[Self.cookieName]?.value, !cookie.isEmpty else {
            throw SocialError(.unauthorized, "unauthorized", "operator credentials are required")
        }
        if cookie.hasPrefix("o."), let token = operatorToken, Self.same(cookie, Self.operatorCookie(token)) {
            return Principal(name: "operator-token", credential: cookie, fromCookie: true)
        }
        guard cookie.hasPrefix("s.") else { throw SocialError.unauthorized }
        return try await sessionPrincipal(token: String(cookie.dropFirst(2)), credential: cookie, fromCookie: true)
    }

    /// The operator of a write: as `principal`, and a cookie-borne credential must come with
    /// its CSRF token (403 `csrf_failed` otherwise).
    func writer(_ request: Request) async throws -> Principal {
        let principal = try await principal(request)
        if principal.fromCookie {
            guard let name = Self.csrfHeader, let sent = request.headers[name], Self.same(sent, principal.csrfToken) else {
                throw SocialError(.forbidden, "csrf_failed", "the CSRF token is missing or wrong; reload the page")
            }
        }
        return principal
    }

    private func sessionPrincipal(token: String, credential: String, fromCookie: Bool) async throws -> Principal {
        let userID = try await users.authenticate(token: token)
        guard try await users.isOperator(userID: userID) else {
            throw SocialError(.forbidden, "not_operator", "this account is not an operator")
        }
        return Principal(name: "user \(userID)", credential: credential, fromCookie: fromCookie)
    }

    /// The cookie value for a log-in with the operator token: a digest, so the token itself
    /// never sits in a browser's cookie jar.
    static func operatorCookie(_ token: String) -> String {
        "o." + SHA256.hex(Array("mediadaemon operator cookie\n\(token)".utf8))
    }

    /// The cookie value of a user's session token.
    static func sessionCookie(_ token: String) -> String { "s." + token }

    static func csrfToken(for credential: String) -> String {
        SHA256.hex(Array("mediadaemon csrf\n\(credential)".utf8))
    }

    /// The page's cookie holding `value` (empty with `maxAge` 0 clears it). Not `Secure`: the
    /// daemon speaks plain HTTP (behind a TLS proxy the proxy can add it).
    func cookie(_ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: Self.cookieName, value: value, maxAge: maxAge, path: "/admin", secure: false, httpOnly: true,
            sameSite: .strict)
    }

    /// Compares digests of both, so the time taken says nothing about where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (SHA256.hex(Array(a.utf8)), SHA256.hex(Array(b.utf8)))
        return x.utf8.elementsEqual(y.utf8)
    }
}
