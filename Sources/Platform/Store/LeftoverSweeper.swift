public import Foundation
public import Logging

/// Removes what a killed process (kill -9, power loss) leaves behind: the store's `.tmp-*`
/// files, upload spool files and job scratch directories. Runs at start-up and then every
/// `interval`.
///
/// Several daemons may share one store or data directory. An entry named with the tag of a
/// writer known to be dead (`LeftoverOwner`: its lock in the directory is free) goes at once,
/// so a daemon restarted after a kill -9 clears what the killed one left. Any other entry goes
/// only once untouched for `minimumAge`: an in-flight file is being written (its modification
/// time moves), a job's scratch directory counts as touched when anything inside it was.
/// `minimumAge` must exceed the longest stretch a live writer can go without writing (the
/// HTTP body timeout bounds an upload's; a job's pipeline writes outputs as it goes).
public struct LeftoverSweeper: Sendable {
    /// Where leftovers are and what they are called.
    public struct Target: Sendable {
        /// Directory to look in.
        public var directory: String
        /// Name prefix of a leftover (file or directory).
        public var prefix: String
        /// Also look in every directory below (the store's key directories).
        public var recursive: Bool

        /// A target: entries of `directory` (and below, when `recursive`) named `prefix…`.
        public init(directory: String, prefix: String, recursive: Bool = false) {
            self.directory = directory
            self.prefix = prefix
            self.recursive = recursive
        }

        /// The file-system store's temporary files (`put` writes `.tmp-<uuid>` beside the key).
        public static func storeTemporaries(_ store: FileStore) -> Target {
            Target(directory: store.root, prefix: ObjectKey.temporaryPrefix, recursive: true)
        }

        /// The HTTP upload spool files in `directory`.
        public static func uploadSpool(_ directory: String) -> Target {
            Target(directory: directory, prefix: UploadSpool.filePrefix)
        }
    }

    /// What to sweep.
    public var targets: [Target]
    /// Entries untouched for at least this long are removed (default one hour).
    public var minimumAge: Duration
    /// Time between passes (default 15 minutes).
    public var interval: Duration
    let logger: Logger

    /// A sweeper of `targets`.
    public init(targets: [Target], minimumAge: Duration = .seconds(3600), interval: Duration = .seconds(900), logger: Logger) {
        self.targets = targets
        self.minimumAge = minimumAge
        self.interval = interval
        self.logger = logger
    }

    /// One pass at time `now`; returns the paths removed. Missing directories are skipped and
    /// an entry that cannot be removed is logged, never thrown.
    @discardableResult
    public func runOnce(now: Date = Date()) -> [String] {
        let cutoff = now.addingTimeInterval(-minimumAge.queueSeconds)
        var removed: [String] = []
        // Dead owners per directory, held for the whole pass: several targets may share one
        // directory, and a dead owner's lock file goes only after all of them are swept.
        var deadOwners: [String: [String: Int32]] = [:]
        defer { for (directory, owners) in deadOwners { LeftoverOwner.release(owners, in: directory) } }
        for target in targets {
            if deadOwners[target.directory] == nil { deadOwners[target.directory] = LeftoverOwner.abandoned(in: target.directory) }
            let dead = deadOwners[target.directory] ?? [:]
            for path in candidates(target) {
                let name = path.split(separator: "/").last ?? ""
                let owner = LeftoverOwner.tag(in: name, after: target.prefix)
                guard owner.map({ dead[$0] != nil }) == true || Self.lastTouched(path) < cutoff else { continue }
                do {
                    try FileManager.default.removeItem(atPath: path)
                    removed.append(path)
                } catch {
                    logger.warning("cannot remove a leftover", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
        }
        if !removed.isEmpty { logger.info("removed leftovers", metadata: ["count": "\(removed.count)"]) }
        return removed
    }

    /// Sweeps now and every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            runOnce()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    private func candidates(_ target: Target) -> [String] {
        let manager = FileManager.default
        let names: [String]
        if target.recursive {
            guard let enumerator = manager.enumerator(atPath: target.directory) else { return [] }
            names = enumerator.compactMap { $0 as? String }
        } else {
            names = (try? manager.contentsOfDirectory(atPath: target.directory)) ?? []
        }
        return names.filter { name in
            let last = name.split(separator: "/").last ?? ""
            return last.hasPrefix(target.prefix) && last != LeftoverOwner.directoryName
                && !name.hasPrefix(LeftoverOwner.directoryName + "/")
        }
        .map { target.directory + "/" + $0 }
    }

    /// The newest modification time of `path` and, for a directory, of everything inside it.
    static func lastTouched(_ path: String) -> Date {
        let manager = FileManager.default
        var newest = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantFuture
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let enumerator = manager.enumerator(atPath: path)
        {
            for case let name as String in enumerator {
                let date = (try? manager.attributesOfItem(atPath: path + "/" + name)[.modificationDate] as? Date) ?? .distantFuture
                newest = max(newest, date)
            }
        }
        return newest
    }
}
