public import Foundation
public import Logging

/// Aborts the multipart uploads a crashed daemon left in an S3 store: their parts are never
/// visible but are billed until aborted. Runs at start-up and every `interval`.
///
/// Every daemon may run it at once: an abort of an upload another daemon already aborted is
/// skipped. `minimumAge` must exceed the longest live upload (a large video on a slow link),
/// or a live upload is aborted and its job retried.
public struct UploadSweeper: Sendable {
    public let store: S3Store
    /// Uploads initiated at least this long ago are aborted (default 24 hours).
    public var minimumAge: Duration
    /// Time between passes (default one hour).
    public var interval: Duration
    let logger: Logger

    public init(store: S3Store, minimumAge: Duration = .seconds(86_400), interval: Duration = .seconds(3600), logger: Logger) {
        self.store = store
        self.minimumAge = minimumAge
        self.interval = interval
        self.logger = logger
    }

    /// Refuses a minimum age below one minute (it would abort uploads in flight).
    public func validate() throws {
        guard minimumAge >= .seconds(60) else {
            throw StoreError(.invalidKey, "the upload sweep's minimum age must be at least a minute", path: store.configuration.bucket)
        }
    }

    /// One pass at time `now`; returns how many uploads were aborted. A failure is logged and
    /// counts as none: the next pass tries again.
    @discardableResult
    public func runOnce(now: Date = Date()) async -> Int {
        let cutoff = now.addingTimeInterval(-S3Client.seconds(minimumAge))
        let store = self.store
        do {
            let aborted = try await Blocking.run { try store.sweepUploads(initiatedBefore: cutoff) }
            if aborted > 0 { logger.info("aborted abandoned multipart uploads", metadata: ["count": "\(aborted)"]) }
            return aborted
        } catch {
            logger.warning("multipart upload sweep failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Sweeps now and every `interval` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await runOnce()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
