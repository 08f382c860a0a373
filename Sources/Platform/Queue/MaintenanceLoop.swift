import Logging

/// The loop every maintenance pass runs in (``JobRescuer``, ``JobCleaner``,
/// ``MediaReconciler``, ``OriginalSweeper``): a pass, then `interval`, until the task is
/// cancelled. A failed pass is logged as `failure` and the next one tries again.
enum MaintenanceLoop {
    static func run(
        every interval: Duration, logger: Logger, failure: Logger.Message, _ pass: () async throws -> Void
    ) async {
        while !Task.isCancelled {
            do {
                try await pass()
            } catch {
                if Task.isCancelled { return }
                logger.warning(failure, metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
