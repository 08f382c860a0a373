import Hummingbird

/// The operator API's query parameters, checked: a bad value is 400, never a silent default.
enum OperatorParameters {
    /// `state`, `kind`, `lane`, `code`, `content_key` (empty = absent: the filter form sends
    /// its empty fields).
    static func filter(_ request: Request) throws -> JobFilter {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let value = query.get(name), !value.isEmpty else { return nil }
            return value
        }
        var filter = JobFilter(
            kind: text("kind"), lane: text("lane"), errorCode: text("code"), contentKey: text("content_key"))
        if let state = text("state") {
            guard let parsed = JobState(rawValue: state) else {
                throw SocialError(
                    .invalid, "invalid_state", "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.state = parsed
        }
        return filter
    }

    /// `limit`, 1 to 500 (default 50). Numbers, unlike the filters, are never empty.
    static func limit(_ request: Request) throws -> Int {
        try integer(request, "limit", in: 1...500) ?? 50
    }

    /// `before`: a job id; jobs below it.
    static func before(_ request: Request) throws -> Int64? {
        try integer(request, "before", in: 1...Int64.max)
    }

    /// `window` in seconds, a minute to 30 days (default a day).
    static func window(_ request: Request) throws -> Int {
        try integer(request, "window", in: 60...2_592_000) ?? 86_400
    }

    /// `status` of media: processing, ready, failed, deleted or blocked.
    static func mediaStatus(_ request: Request) throws -> String? {
        guard let status = request.uri.queryParameters.get("status") else { return nil }
        guard ["processing", "ready", "failed", "deleted", "blocked"].contains(status) else {
            throw SocialError(.invalid, "invalid_status", "status must be processing, ready, failed, deleted or blocked")
        }
        return status
    }

    private static func integer<T: FixedWidthInteger>(_ request: Request, _ name: String, in range: ClosedRange<T>) throws -> T? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = T(String(text)), range.contains(value) else {
            throw SocialError(.invalid, "invalid_\(name)", "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
