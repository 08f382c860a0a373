/// How a handler says a job failed: a categorised code, a message, and whether retrying can help.
///
/// Throw it from a handler. Permanent failures (bad input, over a limit) send the job to dead at
/// once; transient ones retry with backoff until `maxAttempts`. Other errors are classified by
/// `JobFailure(classifying:)`: types that conform to `JobFailureConvertible` decide for
/// themselves, a transient `DatabaseError` retries, anything else retries as `error`.
public struct JobFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Short, stable category (`bad_input`, `over_limit`, `timeout`…), stored in the error history.
    public var code: String
    /// What happened, for operators.
    public var message: String
    /// True when retrying cannot help: the job goes dead on this attempt.
    public var isPermanent: Bool
    /// Overrides the backoff for this retry.
    public var retryAfter: Duration?

    public init(code: String, message: String, isPermanent: Bool, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
        self.retryAfter = retryAfter
    }

    /// A failure retrying cannot fix.
    public static func permanent(_ code: String, _ message: String) -> JobFailure {
        JobFailure(code: code, message: message, isPermanent: true)
    }

    /// A failure worth retrying, after the backoff or `retryAfter`.
    public static func transient(_ code: String, _ message: String, retryAfter: Duration? = nil) -> JobFailure {
        JobFailure(code: code, message: message, isPermanent: false, retryAfter: retryAfter)
    }

    /// Sorts any error a handler threw into a failure, once, at the queue's boundary.
    public init(classifying error: any Error) {
        switch error {
        case let failure as JobFailure:
            self = failure
        case let convertible as any JobFailureConvertible:
            self = convertible.jobFailure
        case let database as DatabaseError:
            self = JobFailure(
                code: database.isTransient ? "database_unavailable" : "database_error",
                message: database.description, isPermanent: false)
        default:
            self = JobFailure(code: "error", message: String(describing: error), isPermanent: false)
        }
    }

    public var description: String { "\(code)\(isPermanent ? " (permanent)" : ""): \(message)" }
}

/// An error that knows how the queue should treat it (a library's error type, adapted by the
/// composition root).
public protocol JobFailureConvertible: Error {
    /// The failure to record for this error.
    var jobFailure: JobFailure { get }
}
