import Foundation
import HTTPTypes
import Hummingbird

/// The frame every operator page shares, and the HTML response with the page's security
/// headers (only the daemon's own origin; never framed; never cached).
enum OperatorLayout {
    static func page(title: String, csrf: String?, live: Bool = false, _ body: Markup) -> Response {
        let meta: Markup = csrf.map { "<meta name=\"csrf-token\" content=\"\($0)\">" } ?? ""
        let navigation: Markup =
            csrf == nil
            ? ""
            : """
            <a href="/admin">Overview</a><a href="/admin/jobs">Jobs</a><a href="/admin/failures">Failures</a>\
            <a href="/admin/media">Media</a><a href="/admin/moderation">Moderation</a><form class="inline" data-api="/admin/logout" data-then="/admin/login">\
            <button type="submit">Log out</button></form>
            """
        let document: Markup = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(meta)<title>\(title) · MediaDaemon</title>
            <link rel="icon" href="/admin/assets/icon.svg"><link rel="stylesheet" href="/admin/assets/admin.css">
            <script src="/admin/assets/admin.js" defer></script></head>
            <body\(live ? Markup(" data-live=\"overview\"") : Markup(""))><header><strong>MediaDaemon operator</strong>\(navigation)</header>
            <main><p id="status" role="status"></p>\(body)</main></body></html>
            """
        return html(document.text)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static var securityHeaders: HTTPFields {
        var headers: HTTPFields = [
            .contentSecurityPolicy:
                "default-src 'self'; img-src 'self'; media-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'",
            .cacheControl: "no-store",
        ]
        for (name, value) in [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")] {
            if let name = HTTPField.Name(name) { headers[name] = value }
        }
        return headers
    }

    /// A time as the page shows it (ISO 8601, UTC, to the second).
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }

    /// Seconds as "42 s" or "7 min".
    static func age(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return seconds < 90 ? "\(Int(seconds.rounded())) s" : "\(Int((seconds / 60).rounded())) min"
    }

    /// Bytes as "12.3 GB".
    static func bytes(_ count: Int64?) -> String {
        guard let count else { return "-" }
        return ByteCountFormatter.string(fromByteCount: count, countStyle: .binary)
    }
}
