import Foundation
import Thumbnail
import Transcode

/// A failure of a local media command, sorted once into bad input (exit 2) or internal
/// (exit 1), with the code and message printed as `{"error": {"code", "message"}}`.
struct CommandFailure: Error, Sendable {
    var isBadInput: Bool
    var code: String
    var message: String

    static func badInput(code: String, message: String) -> CommandFailure {
        CommandFailure(isBadInput: true, code: code, message: message)
    }

    static func internalError(_ message: String) -> CommandFailure {
        CommandFailure(isBadInput: false, code: "internal", message: message)
    }

    private init(isBadInput: Bool, code: String, message: String) {
        self.isBadInput = isBadInput
        self.code = code
        self.message = message
    }

    /// Classifies an error from either pipeline by its module's own classification.
    init(_ error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let error as ThumbnailError:
            self.init(isBadInput: error.isPermanent, code: error.code.rawValue, message: error.message)
        case let error as TranscodeError:
            self.init(isBadInput: error.isBadInput, code: error.code.description, message: error.message)
        default:
            self.init(isBadInput: false, code: "internal", message: "\(error)")
        }
    }

    var exitCode: Int32 { isBadInput ? 2 : 1 }

    /// `{"error": {"code": …, "message": …}}` plus the input's path.
    func json(source: String) -> Data {
        let object: [String: Any] = ["source": source, "error": ["code": code, "message": message]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
