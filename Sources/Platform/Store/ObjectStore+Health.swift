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
    /// For a file-system store, whether the root is writable and how full its file system is
    /// (a stat); for an S3 store, whether the bucket answers a HEAD with these credentials (a
    /// missing key is a healthy answer). Blocks briefly.
    public func health() -> StoreHealth {
        switch backend {
        case .file(let store): Self.health(root: store.root)
        case .s3(let store): Self.health(s3: store)
        }
    }

    private static func health(s3 store: S3Store) -> StoreHealth {
        let name = "s3://\(store.configuration.bucket)/\(store.configuration.prefix)"
        var reachable = false
        do {
            _ = try store.modified(try ObjectKey("health/probe"))
            reachable = true
        } catch {}
        return StoreHealth(root: name, writable: reachable, freeBytes: nil, totalBytes: nil)
    }

    private static func health(root: String) -> StoreHealth {
        let files = FileManager.default
        let attributes = try? files.attributesOfFileSystem(forPath: root)
        return StoreHealth(
            root: root, writable: files.isWritableFile(atPath: root),
            freeBytes: (attributes?[.systemFreeSize] as? NSNumber)?.int64Value,
            totalBytes: (attributes?[.systemSize] as? NSNumber)?.int64Value)
    }
}
