import Glibc




/// A failure of the object store: a refused key, a missing object, an unsatisfiable range, or
/// a file-system call or object-service request that failed.
///
/// `code` classifies the failure once so callers never string-match; `path` is the key or
/// file the store was working on; `errno` is set when a POSIX call failed, and `description`
/// then carries its `strerror` text.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidKey = "invalid_key"
            case notFound = "not_found"
            case rangeNotSatisfiable = "range_not_satisfiable"
            case io = "io"
            case refused = "refused"
            case unavailable = "unavailable"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The key (or prefix) is not a safe relative path; permanent.
        public static let invalidKey = Code(.invalidKey)
        /// No object is stored under the key.
        public static let notFound = Code(.notFound)
        /// The requested byte range lies outside the object.
        public static let rangeNotSatisfiable = Code(.rangeNotSatisfiable)
        /// A file-system call failed; see `errno`. Often transient (disk full, NFS hiccup).
        public static let io = Code(.io)
        /// The object service refused the request (a 4xx other than not-found or range: bad
        /// credentials, no such bucket, access denied); permanent until the configuration changes.
        public static let refused = Code(.refused)
        /// The object service could not be reached or kept failing (5xx, throttling, resets,
        /// timeouts) after every retry; transient.
        public static let unavailable = Code(.unavailable)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The key, prefix or local file involved.
    public var path: String
    /// The POSIX error number when a system call failed.
    public var errno: Int32?
    /// Where the error was thrown.
    public var file: String
    public var line: Int

    public init(
        _ code: Code, _ message: String, path: String, errno: Int32? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.errno = errno
        self.file = file
        self.line = line
    }

    /// The `strerror` text for `errno`, when there is one.
    public var systemMessage: String? {
        guard let errno else { return nil }
        return String(cString: strerror(errno))
    }

    public var description: String {
        var text = "\(code): \(message) (\(path))"
        if let errno, let systemMessage { text += ": \(systemMessage) [errno \(errno)]" }
        return text
    }
}
