import Foundation
import Logging

/// A job for one of the pool's threads: `run` receives that thread's connection, or the reason
/// there is none (pool closed, cancelled, cannot connect). Called exactly once.
struct PoolJob: Sendable {
    let id: UInt64
    let cancellation: JobCancellation
    let run: @Sendable (Result<DatabaseConnection, any Error>) -> Void
}

/// The threads behind a `DatabasePool`: each owns one connection, created, used and closed on
/// that thread only, and takes jobs from one shared queue.
///
/// Blocking libpq calls therefore never run on Swift's cooperative pool. A thread checks its
/// connection before each job and replaces a broken one, retrying with exponential backoff.
///
/// `@unchecked Sendable`: every mutable field is read and written only while `condition` is
/// locked; the connections never leave their threads.
final class ConnectionThreads: @unchecked Sendable {
    private let configuration: DatabasePool.Configuration
    private let logger: Logger
    private let onConnect: (@Sendable (DatabaseConnection) throws -> Void)?

    private let condition = NSCondition()
    private var jobs: [PoolJob] = []
    private var closed = false
    private var liveThreads: Int
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    init(
        configuration: DatabasePool.Configuration, logger: Logger,
        onConnect: (@Sendable (DatabaseConnection) throws -> Void)?
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onConnect = onConnect
        liveThreads = configuration.size
        for index in 0..<configuration.size {
            let thread = Thread { [self] in
                Self.nameCurrentThread("database-\(index)")
                self.serve()
            }
            thread.start()
        }
    }

    /// Names the thread for `top -H`, debuggers and tests. Foundation's `Thread.name` races with
    /// thread start-up on Linux (the name is sometimes never applied), so write the kernel's
    /// name directly there.
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
            try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        #else
            Thread.current.name = name
        #endif
    }

    /// Queues `job`; when closed or already cancelled, fails it instead.
    func submit(_ job: PoolJob) {
        condition.lock()
        // Checked under the lock: `cancel(_:)` sets the flag before taking it, so a job is
        // either queued before `cancel` looks for it or refused here.
        guard !closed, !job.cancellation.isCancelled else {
            let closed = closed
            condition.unlock()
            job.run(
                .failure(
                    closed
                        ? DatabaseError(.poolClosed, "the database pool is closed")
                        : DatabaseError(.cancelled, "cancelled before it was queued")))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Fails job `id` with `.cancelled` if it is still queued; otherwise wakes any reconnect
    /// backoff so the running job notices its cancellation.
    func cancel(_ id: UInt64) {
        condition.lock()
        let index = jobs.firstIndex { $0.id == id }
        let job = index.map { jobs.remove(at: $0) }
        condition.broadcast()
        condition.unlock()
        job?.run(.failure(DatabaseError(.cancelled, "cancelled while waiting for a connection")))
    }

    /// Fails queued jobs with `.poolClosed` and lets each thread exit after its current job.
    func close() {
        condition.lock()
        closed = true
        let pending = jobs
        jobs = []
        condition.broadcast()
        condition.unlock()
        for job in pending { job.run(.failure(DatabaseError(.poolClosed, "the database pool is closed"))) }
    }

    /// Returns once every thread has exited and closed its connection.
    func waitForExit() async {
        await withCheckedContinuation { continuation in
            condition.lock()
            if liveThreads == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    private func serve() {
        var connection: DatabaseConnection?
        while let job = nextJob() {
            if job.cancellation.isCancelled {
                job.run(.failure(DatabaseError(.cancelled, "cancelled before it ran")))
                continue
            }
            let current: DatabaseConnection
            do {
                current = try usableConnection(&connection, for: job)
            } catch {
                job.run(.failure(error))
                continue
            }
            job.cancellation.attach(current.canceller)
            current.isCancelled = { job.cancellation.isCancelled }
            if job.cancellation.isCancelled {
                job.run(.failure(DatabaseError(.cancelled, "cancelled before it ran")))
            } else {
                job.run(.success(current))
            }
            job.cancellation.detach()
            current.isCancelled = { false }
            // A connection that is broken, or still in a transaction it could not roll back,
            // is not handed to the next job.
            if !current.rollBackIfInTransaction() || !current.isConnected { connection = nil }
        }
        connection = nil
        condition.lock()
        liveThreads -= 1
        let waiters = liveThreads == 0 ? exitWaiters : []
        if liveThreads == 0 { exitWaiters = [] }
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    private func nextJob() -> PoolJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !closed { condition.wait() }
        return jobs.isEmpty ? nil : jobs.removeFirst()
    }

    /// The thread's connection if it is still alive, else a new one, retrying transient
    /// failures with exponential backoff until `reconnectTimeout`.
    private func usableConnection(_ connection: inout DatabaseConnection?, for job: PoolJob) throws -> DatabaseConnection {
        if let existing = connection {
            if existing.isAlive() { return existing }
            logger.warning("discarding a broken database connection")
            connection = nil
        }
        let deadline = ContinuousClock.now + configuration.reconnectTimeout
        var delay = configuration.initialBackoff
        var attempt = 1
        while true {
            do {
                let fresh = try DatabaseConnection(url: configuration.url, logger: logger)
                try onConnect?(fresh)
                connection = fresh
                if attempt > 1 { logger.info("database connection re-established", metadata: ["attempts": "\(attempt)"]) }
                return fresh
            } catch let error as DatabaseError where error.isTransient {
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else { throw error }
                let wait = min(delay, remaining)
                logger.warning(
                    "cannot connect to the database; retrying",
                    metadata: ["attempt": "\(attempt)", "delay": "\(wait)", "error": "\(error)"])
                try pause(wait, for: job)
                delay = min(delay * 2, configuration.maximumBackoff)
                attempt += 1
            }
        }
    }

    /// Sleeps for `delay` unless the pool closes or the job is cancelled first.
    private func pause(_ delay: Duration, for job: PoolJob) throws {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let wakeAt = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !closed && !job.cancellation.isCancelled {
            if !condition.wait(until: wakeAt) { break }
        }
        if closed { throw DatabaseError(.poolClosed, "the database pool closed while reconnecting") }
        if job.cancellation.isCancelled { throw DatabaseError(.cancelled, "cancelled while reconnecting") }
    }
}
