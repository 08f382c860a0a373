import Foundation

/// An error from the Thumbnail module: what went wrong (`code`), in words (`message`), what the
/// image library said (`cause`) and where it was thrown.
///
/// Classify with ``disposition``, never by matching the message: bad or over-limit input is
/// permanent (retrying cannot help), internal failures may be retried, an invalid preset is
/// configuration.
public struct ThumbnailError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code; `rawValue` is the snake_case wire form.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unsupportedFormat = "unsupported_format"
            case tooLarge = "too_large"
            case tooManyPixels = "too_many_pixels"
            case tooManyFrames = "too_many_frames"
            case corrupt
            case invalidPreset = "invalid_preset"
            case io
            case cancelled
            case `internal`
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The input is not an image format we accept (sniffed from magic bytes).
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// The input has more bytes, or a side longer, than the limits allow.
        public static let tooLarge = Code(.tooLarge)
        /// The header declares more pixels than the limits allow.
        public static let tooManyPixels = Code(.tooManyPixels)
        /// The input has more frames (pages) than the limits allow.
        public static let tooManyFrames = Code(.tooManyFrames)
        /// The input claims a supported format but cannot be decoded.
        public static let corrupt = Code(.corrupt)
        /// A preset file is malformed or inconsistent.
        public static let invalidPreset = Code(.invalidPreset)
        /// Reading the input or writing an output failed.
        public static let io = Code(.io)
        /// The caller cancelled the job between steps.
        public static let cancelled = Code(.cancelled)
        /// A failure inside the library or this module (not the input's fault).
        public static let `internal` = Code(.internal)

        /// The snake_case code, e.g. `too_many_pixels`.
        public var rawValue: String { value.rawValue }
        public var description: String { value.rawValue }

        /// What a failure with this code means for the job.
        public var disposition: FailureDisposition {
            switch value {
            case .unsupportedFormat, .corrupt: .badInput
            case .tooLarge, .tooManyPixels, .tooManyFrames: .overLimit
            case .invalidPreset: .configuration
            case .io, .cancelled, .internal: .transient
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable message with our context (operation, input).
    public let message: String
    /// What the underlying library said (the vips error buffer), if anything.
    public let cause: String?
    /// Source file that threw.
    public let file: String
    /// Source line that threw.
    public let line: Int

    /// Creates an error; `file`/`line` default to the call site.
    public init(
        _ code: Code, _ message: String, cause: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        let trimmed = cause?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.cause = (trimmed?.isEmpty ?? true) ? nil : trimmed
        self.file = file
        self.line = line
    }

    /// What this failure means for the job (from ``code``).
    public var disposition: FailureDisposition { code.disposition }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (\(cause))" }
        return text + " [\(file):\(line)]"
    }
}
