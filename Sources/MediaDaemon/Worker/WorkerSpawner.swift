import Dispatch
import Foundation
import Synchronization

/// The one long-lived thread that starts worker children. A child's `PR_SET_PDEATHSIG` fires
/// when the thread that started it exits, so children must not be started from short-lived
/// threads (nor from the cooperative pool's, which may be retired).
final class WorkerSpawner: Sendable {
    typealias Completion = @Sendable (Result<WorkerProcess, any Error>) -> Void

    private let requests = Mutex<[Completion]>([])
    private let pending = DispatchSemaphore(value: 0)

    /// Starts the thread; `spawn` runs on it for every request.
    func start(_ spawn: @escaping @Sendable () throws -> WorkerProcess) {
        let thread = Thread { [self] in
            while true {
                pending.wait()
                guard let completion = requests.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                completion(Result { try spawn() })
            }
        }
        thread.name = "mediadaemon-spawner"
        thread.start()
    }

    /// Asks for a child; `completion` runs on the spawning thread with it.
    func request(_ completion: @escaping Completion) {
        requests.withLock { $0.append(completion) }
        pending.signal()
    }
}
