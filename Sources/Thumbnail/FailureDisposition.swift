/// What a failure means for the job or command that hit it: the one classification both media
/// modules' errors give (``ThumbnailError/disposition``, `TranscodeError.disposition`).
///
/// Bad input and over-limit input are permanent (the job goes dead, the CLI exits 2);
/// transient failures retry (exit 1); a configuration failure (a preset the encoders refuse)
/// is found when `serve` or `process` starts, which then refuses to start.
public enum FailureDisposition: String, Sendable, Hashable, Codable {
    /// The input is unusable: not a format we accept, damaged, or missing what we need.
    case badInput = "bad_input"
    /// The input is well formed but over one of the limits.
    case overLimit = "over_limit"
    /// Something failed on our side (I/O, a library, cancellation): a retry may succeed.
    case transient
    /// The configuration (a preset) is invalid: no input can succeed until it is fixed.
    case configuration

    /// Whether retrying the same input cannot help.
    public var isPermanent: Bool {
        switch self {
        case .badInput, .overLimit: true
        case .transient, .configuration: false
        }
    }
}
