import Foundation
import Logging
import Platform

/// Everything one run of the daemon is configured with, composed from each module's part.
struct DaemonConfiguration: Sendable {
    static let defaultDataDirectory = "./.mediadaemon"

    /// Root of everything the daemon keeps locally (embedded cluster, object store).
    var dataDirectory: String
    /// An external PostgreSQL; nil means the embedded cluster.
    var databaseURL: String?
    /// The object store: a root directory (a shared mount lets many daemons serve one store)
    /// or `s3://BUCKET/PREFIX`.
    var storeDirectory: String
    var logLevel: Logger.Level
    /// How an `s3://` store is reached (unused for a directory).
    var s3 = S3Access()

    /// Where the embedded cluster lives.
    var embeddedClusterDirectory: String { dataDirectory + "/pg" }
    /// Scratch space for pipeline outputs before they are published to the store.
    var scratchDirectory: String { dataDirectory + "/scratch" }
}
