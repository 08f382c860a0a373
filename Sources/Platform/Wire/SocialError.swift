/// A failure a client caused or may see: the HTTP layer maps `kind` to a status and sends
/// `code` and `message` as they are, so neither may carry internal detail (SQL, paths).
public struct SocialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in HTTP terms.
    public enum Kind: Sendable, Equatable {
        case invalid
        case unauthorized
        case forbidden
        case notFound
        case conflict
        /// 422: well-formed, but contradicts an earlier request (an Idempotency-Key reused).
        case unprocessable
        case tooLarge
        case rateLimited(retryAfterSeconds: Int)
    }

    /// The class of failure.
    public var kind: Kind
    /// A stable machine-readable code such as `username_taken`.
    public var code: String
    /// A sentence for people.
    public var message: String

    /// A failure of `kind` with a code and a message for the client.
    public init(_ kind: Kind, _ code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    package static func notFound(_ what: String) -> SocialError {
        SocialError(.notFound, "not_found", "\(what) not found")
    }

    package static let unauthorized = SocialError(.unauthorized, "unauthorized", "a valid bearer token is required")
}
