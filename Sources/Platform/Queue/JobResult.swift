/// What a handler returns on success: optionally, a write that must commit together with the
/// job's completion.
///
/// ```swift
/// return .completed { connection in
///     try connection.query("UPDATE posts SET status = 'ready' WHERE id = $1", [postID])
/// }
/// ```
/// The write runs on the worker's connection inside the transaction that marks the job
/// succeeded. If the lease was lost meanwhile, the transaction rolls back: the result of a
/// rescued attempt never lands.
public struct JobResult: Sendable {
    /// Runs inside the completion transaction; throwing fails the attempt (classified as usual).
    public let write: (@Sendable (DatabaseConnection) throws -> Void)?

    /// Done, nothing else to write.
    public static let completed = JobResult(write: nil)

    /// Done; `write` commits atomically with the completion.
    public static func completed(writing write: @escaping @Sendable (DatabaseConnection) throws -> Void) -> JobResult {
        JobResult(write: write)
    }

    private init(write: (@Sendable (DatabaseConnection) throws -> Void)?) {
        self.write = write
    }
}
