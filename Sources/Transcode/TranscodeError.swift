public import Thumbnail

/// The one error type the Transcode module throws.
///
/// Workers classify with ``disposition``, never by matching the message. Bad input (corrupt or
/// unsupported media) and over-limit input are permanent: retrying cannot help. An invalid
/// preset is configuration. Anything else is internal and may be retried.
public struct TranscodeError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a stable snake_case code (`corrupt`, `too_long`, …).
    ///
    /// A struct wrapping a private enum, so new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unsupportedFormat = "unsupported_format"
            case tooLarge = "too_large"
            case tooLong = "too_long"
            case tooManyPixels = "too_many_pixels"
            case noVideoStream = "no_video_stream"
            case corrupt
            case stalled
            case cancelled
            case invalidPreset = "invalid_preset"
            case io
            case `internal`
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The container or codec is not one we accept.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// The input has more bytes than the preset allows.
        public static let tooLarge = Code(.tooLarge)
        /// The input lasts longer than the preset allows.
        public static let tooLong = Code(.tooLong)
        /// The video frame is larger than the preset allows.
        public static let tooManyPixels = Code(.tooManyPixels)
        /// The container holds no decodable video stream.
        public static let noVideoStream = Code(.noVideoStream)
        /// The data is damaged or truncated.
        public static let corrupt = Code(.corrupt)
        /// Demuxing or decoding stopped making progress.
        public static let stalled = Code(.stalled)
        /// The caller cancelled the job.
        public static let cancelled = Code(.cancelled)
        /// The preset is inconsistent or names options the encoder does not know.
        public static let invalidPreset = Code(.invalidPreset)
        /// Reading or writing a file failed.
        public static let io = Code(.io)
        /// Any other failure: a bug or a resource problem, not the input's fault.
        public static let `internal` = Code(.internal)

        /// The snake_case name used in manifests and CLI error objects.
        public var description: String { value.rawValue }

        /// What a failure with this code means for the job.
        public var disposition: FailureDisposition {
            switch value {
            case .unsupportedFormat, .noVideoStream, .corrupt: .badInput
            case .tooLarge, .tooLong, .tooManyPixels: .overLimit
            case .invalidPreset: .configuration
            case .stalled, .cancelled, .io, .internal: .transient
            }
        }
    }

    /// The FFmpeg failure underneath, when there is one.
    public struct Cause: Sendable, Equatable {
        /// The negative `AVERROR` code a libav* call returned.
        public var code: Int32
        /// FFmpeg's text for it (from `av_strerror`).
        public var message: String
    }

    /// The classification; see ``Code``.
    public var code: Code
    /// A human-readable sentence: what failed, on which operation and file.
    public var message: String
    /// The FFmpeg error underneath, if any.
    public var cause: Cause?
    /// Source file that threw (for logs).
    public var file: String
    /// Source line that threw (for logs).
    public var line: Int

    /// What this failure means for the job (from ``code``).
    public var disposition: FailureDisposition { code.disposition }

    /// Makes an error; `file` and `line` default to the caller's location.
    public init(
        _ code: Code,
        _ message: String,
        cause: Cause? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause {
            text += " (FFmpeg \(cause.code): \(cause.message))"
        }
        return text + " [\(file):\(line)]"
    }
}
