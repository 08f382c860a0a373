import CDispatch  // `struct stat` is attributed to CDispatch under MemberImportVisibility
import Foundation
import Glibc
import Platform

/// Scratch folders the worker children write into before the parent copies out what their
/// manifests declare.
///
/// Each child has a folder of its own in the scratch directory (`w-<tag>-<n>-<random>`, the
/// tag being serve's `LeftoverOwner` mark, so a sweep removes a killed serve's at once; the only
/// writable path under its Landlock ruleset), and a job runs in a folder inside it named as
/// the caller named the job's folder. When the child answers, the parent moves the job's
/// folder out to the caller's path, beside the children's folders, before the child gets its
/// next job: no child can read or change another job's files, running or published.
///
///     <scratch>/w-<tag>-0-1a2b3c4d/job-<tag>-42-5e6f7a8b/   job 42, running in child 0
///     <scratch>/job-<tag>-41-9c0d1e2f/                      job 41, answered, being published
enum WorkerScratch {
    /// Name prefix of a child's own folder (`LeftoverSweeper` removes those a killed daemon left).
    static let childPrefix = "w-"

    /// A new private folder under the temporary directory for `process --isolated`'s jobs.
    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mediadaemon-process-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }

    /// Creates the folder of the pool's `number`th child in `directory`, owned by `user` (the
    /// account the child runs as; nil keeps this process's), and returns its path.
    static func makeChildFolder(in directory: String, number: Int, user: WorkerUser?) throws -> String {
        try LeftoverOwner.claim(directory)
        let path = directory + "/" + childPrefix + "\(LeftoverOwner.tag)-\(number)-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            try user?.own(path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return path
    }

    /// The folder a job whose folder the caller named `requested` runs in, in the child's
    /// folder `childFolder` (nil: the child has none, the job runs at `requested` itself).
    static func jobFolder(for requested: URL, in childFolder: String?) -> String {
        childFolder.map { $0 + "/" + requested.lastPathComponent } ?? requested.path
    }

    /// The device and inode of `path`, to tell the folder a child's Landlock rule holds from a
    /// new one made at the same path; nil when there is nothing there.
    static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
