import Foundation
import Platform
import Thumbnail
import Transcode
import WorkerWire

/// A media failure as the daemon acts on it: the code and message, and the one disposition the
/// throwing module gave it (``FailureDisposition``). The worker turns it into a `JobFailure`,
/// the CLI into an exit status and a `{"error": {"code", "message"}}` line.
struct MediaFailure: Error, Sendable, CustomStringConvertible {
    var disposition: FailureDisposition
    var code: String
    var message: String

    /// The input is unusable (not readable, not a format we accept).
    static func badInput(code: String, message: String) -> MediaFailure {
        MediaFailure(disposition: .badInput, code: code, message: message)
    }

    /// The configuration (a preset) is unusable.
    static func configuration(code: String, message: String) -> MediaFailure {
        MediaFailure(disposition: .configuration, code: code, message: message)
    }

    /// Something failed on our side.
    static func internalError(_ message: String) -> MediaFailure {
        MediaFailure(disposition: .transient, code: "internal", message: message)
    }

    init(disposition: FailureDisposition, code: String, message: String) {
        self.disposition = disposition
        self.code = code
        self.message = message
    }

    /// Takes the disposition from either pipeline's error; anything else is transient.
    init(_ error: any Error) {
        switch error {
        case let failure as MediaFailure:
            self = failure
        case let error as WorkerFrameError:
            self = .internalError(error.description)
        case let error as ThumbnailError:
            self.init(disposition: error.disposition, code: error.code.rawValue, message: error.message)
        case let error as TranscodeError:
            self.init(disposition: error.disposition, code: error.code.description, message: error.message)
        default:
            self.init(disposition: .transient, code: "internal", message: "\(error)")
        }
    }

    /// Whether the input is to blame (bad or over a limit): permanent.
    var isBadInput: Bool { disposition.isPermanent }

    /// 2 for bad or over-limit input, 64 (EX_USAGE) for invalid configuration, 1 otherwise.
    var exitCode: Int32 {
        switch disposition {
        case .badInput, .overLimit: 2
        case .configuration: 64
        case .transient: 1
        }
    }

    /// The queue's view: permanent for bad or over-limit input, a retry otherwise (a
    /// configuration failure is refused at start-up, so one here is retried after the fix).
    var jobFailure: JobFailure {
        disposition.isPermanent ? .permanent(code, message) : .transient(code, message)
    }

    /// `code: message`, as `serve` prints a failure that stops it from starting.
    var description: String { "\(code): \(message)" }

    /// `{"error": {"code": …, "message": …}}` plus the input's path.
    func json(source: String) -> Data {
        let object: [String: Any] = ["source": source, "error": ["code": code, "message": message]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
