public import Foundation

/// The object store as the operator page shows it.
public struct StoreHealth: Sendable, Hashable, Codable {
    public var root: String
    /// The root exists and this process may write to it.
    public var writable: Bool
    /// Free and total bytes of the file system holding the root; nil when unknown.
    public var freeBytes: Int64?
    public var totalBytes: Int64?
}

extension ObjectStore {
    /// Whether the root is writable and how full its file system is. Blocks briefly (a stat).
    public func health() -> StoreHealth {
        let files = FileManager.default
        let attributes = try? files.attributesOfFileSystem(forPath: root)
        return StoreHealth(
            root: root, writable: files.isWritableFile(atPath: root),
            freeBytes: (attributes?[.systemFreeSize] as? NSNumber)?.int64Value,
            totalBytes: (attributes?[.systemSize] as? NSNumber)?.int64Value)
    }
}
