/// A failure of the job queue itself (not of a job's handler: that is `JobFailure`).
public struct QueueError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case leaseLost = "lease_lost"
            case notFound = "not_found"
            case invalidState = "invalid_state"
            case invalidJob = "invalid_job"
            case invalidConfiguration = "invalid_configuration"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The caller no longer holds the job's lease (it was rescued, released, cancelled or
        /// finished elsewhere): its result was discarded.
        public static let leaseLost = Code(.leaseLost)
        /// No job has that id.
        public static let notFound = Code(.notFound)
        /// The job is in a state the operation does not apply to (retrying a running job).
        public static let invalidState = Code(.invalidState)
        /// A job to enqueue is malformed (empty kind, bad lane name, payload not JSON).
        public static let invalidJob = Code(.invalidJob)
        /// A runner, rescuer or cleaner setting is unusable.
        public static let invalidConfiguration = Code(.invalidConfiguration)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The database failure underneath, if any.
    public var cause: (any Error)?
    /// Where the error was thrown.
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (\(cause))" }
        return text
    }
}
