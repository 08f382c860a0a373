import Foundation

/// Runs blocking work (the object store's synchronous calls, `pg_ctl`) on threads of its own,
/// off the cooperative pool.
///
/// On Linux, Swift's tasks run on Dispatch's global queues, limited to one thread per core, and
/// `DispatchQueue.global().async` feeds those same queues: a blocking call sent there holds
/// one of those few threads as surely as one made in the task itself, and with two cores two
/// slow S3 requests would stall every HTTP connection and timer of the daemon. So the work goes
/// to `BlockingThreads`: a bounded set of plain threads, started as needed, each waiting for
/// work when idle. Past the bound, work queues (in order) rather than starting more threads.
public enum Blocking {
    /// Most threads running blocking work at once.
    public static let maximumThreads = 16

    private static let threads = BlockingThreads(maximum: maximumThreads)

    /// Runs `work` on one of the blocking threads and returns its result.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            threads.submit { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Runs `work` on a new thread of its own, started for it and ended after it: for waits of
    /// seconds (starting PostgreSQL with `pg_ctl`, waiting for a server another call starts).
    /// Those would hold one of the bounded threads of `run` that quick calls (a media request's
    /// file read) queue for, and many at once would make those calls wait behind them.
    public static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "blocking-long"
            thread.start()
        }
    }
}

/// The threads behind `Blocking`: a FIFO of closures, threads started on demand up to
/// `maximum`, idle ones waiting on a condition. `@unchecked Sendable`: every mutable field is
/// read and written only while `condition` is locked.
final class BlockingThreads: @unchecked Sendable {
    private let maximum: Int
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var threads = 0
    private var idle = 0

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Queues `work`; starts a thread when none is idle and the bound allows.
    func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        let start = idle == 0 && threads < maximum
        if start { threads += 1 }
        condition.signal()
        condition.unlock()
        if start {
            let thread = Thread { [self] in serve() }
            thread.name = "blocking"
            thread.start()
        }
    }

    private func serve() {
        while true {
            condition.lock()
            while queue.isEmpty {
                idle += 1
                condition.wait()
                idle -= 1
            }
            let work = queue.removeFirst()  // a short queue: at most the calls waiting for a thread
            condition.unlock()
            work()
        }
    }
}
