import ArgumentParser
import Foundation

/// The operator token: from `--operator-token-file` (a file other users cannot read) or
/// `MEDIADAEMON_OPERATOR_TOKEN`, never from a flag's value, which the process list shows.
enum OperatorToken {
    /// Shortest token accepted, in bytes: long enough that guessing is hopeless.
    static let minimumLength = 16

    /// The token, or nil when neither source gives one. Throws a usage error for a file that
    /// others can read, that cannot be read, or a token shorter than `minimumLength`.
    static func resolve(file: String?, environment: EnvironmentValues) throws -> String? {
        var token: String?
        if let file {
            let attributes: [FileAttributeKey: Any]
            do {
                attributes = try FileManager.default.attributesOfItem(atPath: file)
            } catch {
                throw ValidationError("--operator-token-file \(file) cannot be read")
            }
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
            guard mode & 0o007 == 0 else {
                throw ValidationError("--operator-token-file \(file) is readable by other users (chmod o-rwx it)")
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("--operator-token-file \(file) cannot be read")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = environment.string("MEDIADAEMON_OPERATOR_TOKEN")?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token else { return nil }
        guard token.utf8.count >= minimumLength else {
            throw ValidationError("the operator token must be at least \(minimumLength) characters")
        }
        return token
    }
}
