import Foundation
import Logging
import Platform
import ServiceLifecycle

/// Live notifications and the social maintenance, until graceful shutdown: the notification
/// hub (LISTEN connection, folder, stream heartbeats), the like-delta folder every
/// `likeFoldInterval`, and the retention of read notifications and expired stream tickets once
/// a minute. Every daemon runs them; advisory locks and batch deletes make that safe.
///
/// Listed after the HTTP server, so it stops first: the hub ends the open streams, which the
/// server's graceful shutdown would otherwise wait for.
struct NotificationServices: Service {
    let hub: NotificationHub
    let likes: LikeDeltaFolder
    let retention: NotificationRetention
    let configuration: NotificationConfiguration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await hub.run() }
                group.addTask {
                    await repeating(every: configuration.likeFoldInterval, "like fold") { _ = try await likes.runOnce() }
                }
                group.addTask {
                    await repeating(every: .seconds(60), "notification retention") { _ = try await retention.runOnce() }
                }
                await group.waitForAll()
            }
        }
    }

    /// Runs `pass` every `interval` until cancelled; a failed pass is logged and retried next time.
    private func repeating(every interval: Duration, _ what: String, _ pass: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do {
                try await pass()
            } catch {
                if Task.isCancelled { return }
                logger.warning("\(what) failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
