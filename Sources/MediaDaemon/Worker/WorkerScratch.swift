import Foundation

/// Scratch folders the worker children write into before the parent copies out what their
/// manifests declare.
enum WorkerScratch {
    /// A new private folder under the temporary directory for `process --isolated`'s jobs.
    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mediadaemon-process-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }
}
