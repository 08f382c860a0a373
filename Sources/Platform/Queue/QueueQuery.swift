import Foundation

/// The queue's named SQL statements, read from the `-- name: X` blocks of the `.sql` files in
/// `Queue/Queries` (bundled with the module).
///
/// This is the only way queue code obtains SQL: nothing is concatenated at run time, every
/// value travels as a parameter. A test prepares each statement against a migrated database.
public enum QueueQuery: String, CaseIterable, Sendable {
    case enqueueJobs = "EnqueueJobs"
    case enqueueUnkeyedJobs = "EnqueueUnkeyedJobs"
    case enqueueJob = "EnqueueJob"
    case jobIDsForKeys = "JobIDsForKeys"
    case claimJobs = "ClaimJobs"
    case heartbeatJobs = "HeartbeatJobs"
    case completeJob = "CompleteJob"
    case completeJobs = "CompleteJobs"
    case failJob = "FailJob"
    case cancelClaimedJob = "CancelClaimedJob"
    case releaseJobs = "ReleaseJobs"
    case rescueJobs = "RescueJobs"
    case archiveFinishedJobs = "ArchiveFinishedJobs"
    case deleteArchivedJobs = "DeleteArchivedJobs"
    case getJob = "GetJob"
    case listJobs = "ListJobs"
    case retryJob = "RetryJob"
    case retryDeadJobs = "RetryDeadJobs"
    case cancelJob = "CancelJob"
    case countJobs = "CountJobs"
    case countRecentOutcomes = "CountRecentOutcomes"
    case listQuarantines = "ListQuarantines"
    case liftQuarantine = "LiftQuarantine"
    case resetContentKills = "ResetContentKills"

    /// The statement's text. Throws `.queryMissing` when the bundled files lack it.
    public func sql() throws -> String {
        let catalog = try Self.catalog.get()
        guard let text = catalog[rawValue] else {
            throw QueueError(.queryMissing, "no `-- name: \(rawValue)` block in Queue/Queries")
        }
        return text
    }

    /// Every block in the bundled files, by name, including any no case names.
    public static func bundledStatements() throws -> [String: String] {
        try catalog.get()
    }

    private static let catalog = Result<[String: String], any Error> { try loadCatalog(folder: "Queries") }

    /// Every `-- name: X` block of the `.sql` files in a bundled resource folder, by name.
    /// Also serves the other registries of the module (e.g. `MediaQuery`).
    static func loadCatalog(folder: String) throws -> [String: String] {
        guard let directory = Bundle.module.url(forResource: folder, withExtension: nil) else {
            throw QueueError(.queryMissing, "the \(folder) folder is missing from the module's resources")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        var statements = [String: String]()
        for file in files.sorted() {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for (name, sql) in try parse(text, file: file) {
                guard statements.updateValue(sql, forKey: name) == nil else {
                    throw QueueError(.queryMissing, "query \(name) is defined twice (last in \(file))")
                }
            }
        }
        return statements
    }

    /// Splits a file into `-- name: X` blocks. Comment lines are dropped, and so is the final `;`.
    static func parse(_ text: String, file: String) throws -> [(String, String)] {
        var blocks = [(String, String)]()
        var name: String?
        var lines = [Substring]()
        func finish() throws {
            guard let name else { return }
            let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { throw QueueError(.queryMissing, "query \(name) in \(file) is empty") }
            blocks.append((name, body.hasSuffix(";") ? String(body.dropLast()) : body))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-- name:") {
                try finish()
                name = trimmed.dropFirst("-- name:".count).trimmingCharacters(in: .whitespaces)
                lines = []
            } else if !trimmed.hasPrefix("--") {
                lines.append(line)
            }
        }
        try finish()
        return blocks
    }
}
