public import Logging
import Foundation
import Synchronization

/// Runs a job handler: blocking work on one of its lane's threads.
///
/// Return `.completed` (or `.completed(writing:)` to commit a result with the completion), or
/// throw: a `JobFailure` says whether to retry; other errors are classified by
/// `JobFailure(classifying:)`. Check `context.isCancelled` between steps.
public typealias JobHandler = @Sendable (Job, JobContext) throws -> JobResult

/// Takes jobs out of the queue and runs them: N dedicated threads per lane, each claiming with
/// `FOR UPDATE SKIP LOCKED`, woken by NOTIFY with polling as a fallback; one batched heartbeat
/// per process extends every lease, carries progress and brings back cancel flags.
///
/// `run()` returns after `shutdown()` (or task cancellation): claiming stops, running jobs get
/// `shutdownGracePeriod` to finish, and the rest are released (available again at once); jobs
/// whose handlers returned but whose completions are still queued are recorded, not released. On
/// cancellation the grace period is skipped. A handler still running after its job was
/// released keeps its thread until it returns; its result is then discarded (fencing).
///
/// Handlers for kinds the runner does not know fail their jobs permanently (`unknown_kind`).
public final class QueueRunner: Sendable {
    public let configuration: Configuration
    let handlers: [String: JobHandler]
    let logger: Logger
    let running = RunningJobs()
    let latch = WorkerLatch()
    let completer: JobCompleter
    let signals: [String: LaneSignal]
    private let stopRequested = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let stops: AsyncStream<Void>
    private let stopContinuation: AsyncStream<Void>.Continuation

    /// Throws `.invalidConfiguration` when `configuration.validate()` does.
    public init(configuration: Configuration, handlers: [String: JobHandler], logger: Logger) throws {
        self.configuration = configuration
        self.handlers = handlers
        self.logger = logger
        completer = JobCompleter(url: configuration.database.url, logger: logger, running: running, latch: latch)
        signals = Dictionary(uniqueKeysWithValues: configuration.lanes.map { ($0.name, LaneSignal()) })
        (stops, stopContinuation) = AsyncStream.makeStream(of: Void.self)
        // Validated last: a throw before the atomics are initialised crashes the release
        // build's optimiser (Swift 6.3 ownership verifier, partially initialised `Atomic`).
        try configuration.validate()
    }

    /// True once shutdown has begun: lane threads claim nothing more.
    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// Runs until `shutdown()` or cancellation, then drains as described on the type.
    ///
    /// Throws `.invalidConfiguration` when called twice, and the listener's error when the
    /// database cannot be reached at start.
    public func run() async throws {
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw QueueError(.invalidConfiguration, "a QueueRunner runs once")
        }
        var poolConfiguration = configuration.database
        poolConfiguration.size = 1
        let pool = try DatabasePool(configuration: poolConfiguration, logger: logger)
        let listener: DatabaseListener
        do {
            listener = try await DatabaseListener(
                configuration: configuration.database, channels: [JobQueue.notificationChannel], logger: logger)
        } catch {
            await pool.close()
            throw error
        }
        startThreads()
        logger.info(
            "queue runner started",
            metadata: ["owner": "\(configuration.owner)", "lanes": "\(configuration.lanes.map { "\($0.name)×\($0.threads)" })"])

        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen(listener) }
                group.addTask { await self.heartbeatLoop(pool) }
                group.addTask { await self.presenceLoop(pool) }
                for await _ in stops { break }
                stopRequested.store(true, ordering: .releasing)
                for signal in signals.values { signal.wake() }
                // The latch counts lane threads and completions not yet recorded.
                let drained = await latch.waitForZero(timeout: configuration.shutdownGracePeriod)
                completer.close()
                group.cancelAll()
                if !drained { await releaseRemaining(pool) }
            }
        } onCancel: {
            shutdown()
        }
        await forgetPresence(pool)
        await listener.close()
        await pool.close()
        logger.info("queue runner stopped", metadata: ["owner": "\(configuration.owner)"])
    }

    /// Begins graceful shutdown; `run()` returns once it is done. Safe to call from anywhere,
    /// more than once.
    public func shutdown() {
        stopContinuation.yield()
        stopContinuation.finish()
    }

    /// Sends one heartbeat for every running job now (also done every `heartbeatInterval`).
    func beat(_ pool: DatabasePool) async {
        let contexts = running.snapshot
        guard !contexts.isEmpty else { return }
        let beats = contexts.map { context in
            let progress = context.progress
            return JobHeartbeat(lease: context.job.lease, progress: progress.fraction, stage: progress.stage)
        }
        do {
            let held = try await pool.withConnection { [configuration] connection in
                try JobQueue.heartbeat(
                    beats, owner: configuration.owner, leaseDuration: configuration.leaseDuration, on: connection)
            }
            for context in contexts {
                switch held[context.job.id] {
                case nil: context.cancel(.leaseLost)
                case true?: context.cancel(.cancelRequested)
                case false?: break
                }
            }
        } catch {
            // The leases run on; a later beat may still reach the database in time.
            logger.warning("heartbeat failed", metadata: ["error": "\(error)", "jobs": "\(beats.count)"])
        }
    }

    private func startThreads() {
        completer.start()
        for lane in configuration.lanes {
            guard let signal = signals[lane.name] else { continue }
            for index in 0..<lane.threads {
                latch.enter()
                let worker = LaneWorker(runner: self, lane: lane.name, signal: signal)
                let thread = Thread { [latch] in
                    worker.run()
                    latch.leave()
                }
                thread.name = "queue-\(lane.name)-\(index)"
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
    }

    /// Wakes a lane thread straight from the listener's thread when a NOTIFY names its lane, and
    /// every lane once after the listener reconnected (notifications may have been lost).
    private func listen(_ listener: DatabaseListener) async {
        let signals = signals
        while !Task.isCancelled {
            do {
                try await listener.dispatch(
                    { notification in signals[notification.payload]?.wakeOne() },
                    afterInterruption: { for signal in signals.values { signal.wake() } })
            } catch {
                if Task.isCancelled { return }
                logger.warning("job notifications unavailable; polling", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.pollInterval)
            }
        }
    }

    private func heartbeatLoop(_ pool: DatabasePool) async {
        while true {
            do { try await Task.sleep(for: configuration.heartbeatInterval) } catch { return }
            await beat(pool)
        }
    }

    /// How long shutdown waits, after the grace period, for the completions of jobs that have
    /// run to be recorded (one statement per 500 jobs; the wait ends as soon as they are).
    static let completionFlushTimeout: Duration = .seconds(10)

    private func releaseRemaining(_ pool: DatabasePool) async {
        // Jobs whose handlers returned have run: their completions, queued in the completer,
        // are recorded, not released (a released job would run a second time).
        let contexts = running.snapshot.filter { !$0.isHandedOver }
        for context in contexts { context.cancel(.shutdown) }
        if !contexts.isEmpty { await release(contexts, pool) }
        let completer = self.completer
        let timeout = Self.completionFlushTimeout
        let flushed = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread.detachNewThread { continuation.resume(returning: completer.waitUntilFinished(timeout: timeout)) }
        }
        if !flushed {
            logger.error("finished jobs' completions were not recorded in time; they return when their leases expire")
        }
    }

    private func release(_ contexts: [JobContext], _ pool: DatabasePool) async {
        // Not a child of the (possibly cancelled) run task: the release must reach the database.
        let release = Task {
            try await pool.withConnection { connection in try JobQueue.release(contexts.map(\.job.lease), on: connection) }
        }
        do {
            let released = try await release.value
            logger.notice(
                "released unfinished jobs", metadata: ["jobs": "\(released)", "owner": "\(configuration.owner)"])
        } catch {
            logger.error("releasing jobs failed; they return when their leases expire", metadata: ["error": "\(error)"])
        }
    }
}
