import Foundation
import Logging
import Synchronization
import Testing

@testable import Platform

@Suite("Queue: runner")
struct QueueRunnerTests {
    let logger = Logger(label: "queue-runner-test")

    @Test func twoRunnersWithFourThreadsEachRunEveryJobExactlyOnce() async throws {
        let fixture = try await QueueFixture.make()
        try await fixture.pool.query("CREATE TABLE side_effects (job_id bigint NOT NULL, owner text NOT NULL)")
        let jobCount = 2000
        let done = Countdown(jobCount)
        let handler: JobHandler = { job, _ in
            .completed { connection in
                try connection.query("INSERT INTO side_effects VALUES ($1, $2)", [job.id, job.lease.owner])
                done.countDown()
            }
        }
        let runners = try (0..<2).map { index in
            try QueueRunner(
                configuration: fixture.runnerConfiguration(lanes: [.init("default", threads: 4)], owner: "runner-\(index)"),
                handlers: ["count": handler], logger: logger)
        }
        let tasks = runners.map { runner in Task { try await runner.run() } }
        try await fixture.queue.enqueue((0..<jobCount).map { NewJob(kind: "count", payload: PostgresJSON(text: "{\"n\": \($0)}")) })
        try await done.wait()
        for runner in runners { runner.shutdown() }
        for task in tasks { try await task.value }

        let check = try await fixture.pool.query(
            """
            SELECT count(*) AS effects, count(DISTINCT job_id) AS jobs, count(DISTINCT owner) AS owners,
                   (SELECT count(*) FROM jobs WHERE state = 'succeeded' AND attempts = 1) AS succeeded
            FROM side_effects
            """)
        #expect(try check[0].decode(Int.self, column: "effects") == jobCount)
        #expect(try check[0].decode(Int.self, column: "jobs") == jobCount)
        #expect(try check[0].decode(Int.self, column: "succeeded") == jobCount)
        #expect(try check[0].decode(Int.self, column: "owners") == 2)
        await fixture.close()
    }

    @Test func batchedClaimsAndCompletionsFinishEveryJobOnce() async throws {
        let fixture = try await QueueFixture.make()
        let jobCount = 600
        let done = Countdown(jobCount)
        let runs = Mutex<[Int64: Int]>([:])
        var configuration = fixture.runnerConfiguration(lanes: [.init("default", threads: 3)])
        configuration.claimBatchSize = 10
        let runner = try QueueRunner(
            configuration: configuration,
            handlers: [
                "plain": { job, _ in
                    runs.withLock { $0[job.id, default: 0] += 1 }
                    done.countDown()
                    return .completed
                }
            ], logger: logger)
        try await fixture.queue.enqueue((0..<jobCount).map { _ in NewJob(kind: "plain") })
        let task = Task { try await runner.run() }
        try await done.wait()
        runner.shutdown()
        try await task.value
        #expect(runs.withLock { $0.count == jobCount && $0.values.allSatisfy { $0 == 1 } })
        let stats = try await fixture.queue.stats()
        #expect(stats.count(.succeeded) == jobCount)
        await fixture.close()
    }

    @Test func theCompleterRefusesAJobWhoseLeaseWasTakenWhileItRan() async throws {
        let fixture = try await QueueFixture.make()
        var configuration = fixture.runnerConfiguration(lanes: [.init("default", threads: 2)], owner: "slow-owner")
        configuration.claimBatchSize = 5
        let contexts = Mutex<[Int64: JobContext]>([:])
        let done = Countdown(6)
        let url = fixture.url
        let runner = try QueueRunner(
            configuration: configuration,
            handlers: [
                "plain": { job, context in
                    contexts.withLock { $0[job.id] = context }
                    done.countDown()
                    return .completed
                },
                // While this handler runs, another process takes the job over (as after a
                // rescue and a new claim): its plain completion must not count.
                "stolen": { job, context in
                    contexts.withLock { $0[job.id] = context }
                    let connection = try DatabaseConnection(url: url, logger: Logger(label: "thief"))
                    try connection.query(
                        "UPDATE jobs SET lease_owner = 'thief', attempts = attempts + 1 WHERE id = $1", [job.id])
                    done.countDown()
                    return .completed
                },
            ], logger: logger)
        let enqueued = try await fixture.queue.enqueue(
            (0..<5).map { _ in NewJob(kind: "plain") } + [NewJob(kind: "stolen")])
        let task = Task { try await runner.run() }
        try await done.wait()
        runner.shutdown()
        try await task.value

        let stolen = try await fixture.record(enqueued[5].id)
        #expect(stolen.state == .running && stolen.leaseOwner == "thief" && stolen.attempts == 2)
        #expect(contexts.withLock { $0[enqueued[5].id]?.cancellationReason } == .leaseLost)
        for job in enqueued.prefix(5) {
            #expect(try await fixture.record(job.id).state == .succeeded)
            #expect(contexts.withLock { $0[job.id]?.cancellationReason } == nil)
        }
        await fixture.close()
    }

    @Test func anIdleWorkerWakesOnNotifyNotOnPolling() async throws {
        let fixture = try await QueueFixture.make()
        let started = Mutex<[Int64: ContinuousClock.Instant]>([:])
        let warmedUp = Countdown(1)
        let ran = Countdown(2)
        let runner = try QueueRunner(
            // Polling once a minute: a quick pickup can only come from the NOTIFY.
            configuration: fixture.runnerConfiguration(lanes: [.init("photo", threads: 1)], pollInterval: .seconds(60)),
            handlers: [
                "mark": { job, _ in
                    started.withLock { $0[job.id] = .now }
                    warmedUp.countDown()
                    ran.countDown()
                    return .completed
                }
            ], logger: logger)
        let task = Task { try await runner.run() }
        // The first job proves the runner is up; the second measures an idle worker's wake-up.
        try await fixture.queue.enqueue(NewJob(kind: "mark", lane: "photo"))
        try await warmedUp.wait()
        let enqueuedAt = ContinuousClock.now
        let id = try await fixture.queue.enqueue(NewJob(kind: "mark", lane: "photo")).id
        try await ran.wait()
        let pickup = try #require(started.withLock { $0[id] }) - enqueuedAt
        logger.info("NOTIFY pickup latency", metadata: ["ms": "\(pickup.queueSeconds * 1000)"])
        // Generous: well under the 60 s poll.
        #expect(pickup < .seconds(30))
        runner.shutdown()
        try await task.value
        await fixture.close()
    }

    @Test func shutdownLetsQuickJobsFinishAndReleasesTheRest() async throws {
        let fixture = try await QueueFixture.make()
        let bothRunning = Countdown(2)
        let shuttingDown = DispatchSemaphore(value: 0)
        let slowMayReturn = DispatchSemaphore(value: 0)
        let slowReason = Mutex<JobContext.CancellationReason?>(nil)
        let slowReturned = Countdown(1)
        let runner = try QueueRunner(
            // The grace must cover the quick job's completion on a loaded machine (3 s did not,
            // with the whole suite running); the slow job is released when it ends.
            configuration: fixture.runnerConfiguration(lanes: [.init("default", threads: 2)], grace: .seconds(10)),
            handlers: [
                "quick": { _, _ in
                    bothRunning.countDown()
                    shuttingDown.wait()
                    return .completed
                },
                "slow": { _, context in
                    bothRunning.countDown()
                    slowMayReturn.wait()
                    slowReason.withLock { $0 = context.cancellationReason }
                    slowReturned.countDown()
                    return .completed
                },
            ], logger: logger)
        let ids = try await fixture.queue.enqueue([NewJob(kind: "quick"), NewJob(kind: "slow")]).map(\.id)
        let task = Task { try await runner.run() }
        try await bothRunning.wait()
        runner.shutdown()
        shuttingDown.signal()
        try await task.value

        #expect(try await fixture.record(ids[0]).state == .succeeded)
        let released = try await fixture.record(ids[1])
        #expect(released.state == .available)
        #expect(released.leaseOwner == nil)
        #expect(released.attempts == 1 && released.maxAttempts == 6)
        // The slow handler learns why, and its late completion is discarded.
        slowMayReturn.signal()
        try await slowReturned.wait()
        #expect(slowReason.withLock { $0 } == .shutdown)
        let again = try await fixture.queue.claim(lane: "default", limit: 1, owner: "next", leaseDuration: .seconds(30))
        #expect(again.map(\.id) == [ids[1]])
        #expect(again.first?.attempt == 2)
        await fixture.close()
    }

    /// A job whose handler returned has run: when the grace period ends while its completion
    /// still waits in the completer (here behind a statement held up by a row lock), shutdown
    /// records it rather than releasing it to run a second time.
    @Test func shutdownRecordsFinishedJobsStillQueuedForCompletionInsteadOfReleasingThem() async throws {
        let fixture = try await QueueFixture.make()
        let allRunning = Countdown(3)
        let firstMayReturn = DispatchSemaphore(value: 0)
        let secondMayReturn = DispatchSemaphore(value: 0)
        let slowMayReturn = DispatchSemaphore(value: 0)
        let runner = try QueueRunner(
            // No heartbeat during the test: one would wait on the held row with the runner's only
            // pool connection, and the release at the end of the grace period behind it.
            configuration: fixture.runnerConfiguration(
                lanes: [.init("default", threads: 3)], leaseDuration: .seconds(600), heartbeatInterval: .seconds(300),
                grace: .seconds(1)),
            handlers: [
                "first": { _, _ in
                    allRunning.countDown()
                    firstMayReturn.wait()
                    return .completed
                },
                "second": { _, _ in
                    allRunning.countDown()
                    secondMayReturn.wait()
                    return .completed
                },
                "slow": { _, _ in
                    allRunning.countDown()
                    slowMayReturn.wait()
                    return .completed
                },
            ], logger: logger)
        let ids = try await fixture.queue.enqueue([NewJob(kind: "first"), NewJob(kind: "second"), NewJob(kind: "slow")]).map(\.id)
        let task = Task { try await runner.run() }
        try await allRunning.wait()
        // Hold the first job's row so the completer's statement for it waits.
        let locker = try DatabaseConnection(url: fixture.url, logger: logger)
        try locker.execute("BEGIN")
        _ = try locker.query("SELECT id FROM jobs WHERE id = $1 FOR UPDATE", [ids[0]])
        firstMayReturn.signal()
        try await awaitCondition("the completer's statement waits for the row lock") {
            try await fixture.pool.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )[0].decode(Int.self, column: "n") >= 1
        }
        secondMayReturn.signal()
        // The second job's handler returned: its completion is queued behind the held statement.
        try await awaitCondition("the second job is handed to the completer") {
            runner.running.snapshot.contains { $0.job.id == ids[1] && $0.isHandedOver }
        }
        runner.shutdown()
        // Past the grace period (the slow job is released then), let the held statement go on.
        try await awaitCondition("the grace period ends") { try await fixture.record(ids[2]).state == .available }
        #expect(try await fixture.record(ids[1]).state == .running)
        try locker.execute("COMMIT")
        try await task.value

        #expect(try await fixture.record(ids[0]).state == .succeeded)
        let second = try await fixture.record(ids[1])
        #expect(second.state == .succeeded)
        #expect(second.attempts == 1)
        #expect(try await fixture.record(ids[2]).state == .available)
        slowMayReturn.signal()
        await fixture.close()
    }

    @Test func failuresRetryOrDieAndCancelStopsARunningJob() async throws {
        let fixture = try await QueueFixture.make()
        let flakyDone = Countdown(1)
        let cancellable = Countdown(1)
        let stopped = Countdown(1)
        let longContext = Mutex<JobContext?>(nil)
        let nextStep = DispatchSemaphore(value: 0)
        let runner = try QueueRunner(
            configuration: fixture.runnerConfiguration(
                lanes: [.init("default", threads: 1), .init("video", threads: 1)], heartbeatInterval: .milliseconds(100),
                pollInterval: .milliseconds(200)),
            handlers: [
                "broken": { _, _ in throw JobFailure.permanent("bad_input", "not a video") },
                "flaky": { job, _ in
                    if job.attempt < 3 { throw JobFailure.transient("timeout", "try again") }
                    flakyDone.countDown()
                    return .completed
                },
                "long": { _, context in
                    defer { stopped.countDown() }
                    try context.checkCancellation()
                    context.reportProgress(0.5, stage: "step")
                    longContext.withLock { $0 = context }
                    cancellable.countDown()
                    // The first step lasts until the test has cancelled the job; the check
                    // before the next step must stop the handler.
                    _ = nextStep.wait(timeout: .now() + 60)
                    try context.checkCancellation()
                    return .completed
                },
            ], logger: logger)
        let ids = try await fixture.queue.enqueue([
            NewJob(kind: "unknown", priority: 0),
            NewJob(kind: "broken", priority: 1, maxAttempts: 5),
            NewJob(kind: "flaky", priority: 2, maxAttempts: 3),
            NewJob(kind: "long", lane: "video"),
        ]).map(\.id)
        let task = Task { try await runner.run() }
        try await cancellable.wait()
        #expect(try await fixture.queue.cancel(id: ids[3]) == .running)
        // A heartbeat carries the request to the running handler.
        try await awaitCondition("the handler learns of the cancellation") {
            longContext.withLock { $0?.cancellationReason } == .cancelRequested
        }
        nextStep.signal()
        try await stopped.wait()
        try await flakyDone.wait()
        runner.shutdown()
        try await task.value

        let unknown = try await fixture.record(ids[0])
        #expect(unknown.state == .dead && unknown.errors.map(\.code) == ["unknown_kind"])
        let broken = try await fixture.record(ids[1])
        #expect(broken.state == .dead && broken.attempts == 1 && broken.errors.map(\.code) == ["bad_input"])
        let flaky = try await fixture.record(ids[2])
        #expect(flaky.state == .succeeded && flaky.attempts == 3 && flaky.errors.map(\.code) == ["timeout", "timeout"])
        let long = try await fixture.record(ids[3])
        #expect(long.state == .cancelled)
        #expect(long.errors.last?.code == "cancelled")
        await fixture.close()
    }

    @Test func heartbeatsKeepAJobLongerThanItsLeaseAliveAndCarryProgress() async throws {
        let fixture = try await QueueFixture.make()
        let midway = Countdown(1)
        let finish = DispatchSemaphore(value: 0)
        let done = Countdown(1)
        let runner = try QueueRunner(
            configuration: fixture.runnerConfiguration(
                lanes: [.init("video", threads: 1)], leaseDuration: .seconds(12), heartbeatInterval: .milliseconds(200)),
            handlers: [
                "encode": { _, context in
                    context.reportProgress(0.5, stage: "encode")
                    midway.countDown()
                    finish.wait()
                    done.countDown()
                    return .completed
                }
            ], logger: logger)
        let id = try await fixture.queue.enqueue(NewJob(kind: "encode", lane: "video")).id
        let task = Task { try await runner.run() }
        try await midway.wait()
        let claimed = try #require(try await fixture.record(id).leaseExpiresAt)
        // Beats push the expiry forward: wait until two have moved it past the claim's.
        var extensions: [Date] = []
        try await awaitCondition(interval: .milliseconds(20), "two heartbeats extend the lease") {
            let expiry = try #require(try await fixture.record(id).leaseExpiresAt)
            if expiry > (extensions.last ?? claimed) { extensions.append(expiry) }
            return extensions.count >= 2
        }
        // At the first extended expiry the claim's lease is over, yet the rescuer (clock pinned
        // there) finds the job alive: the second beat already moved its expiry further.
        let rescuer = try JobRescuer(pool: fixture.pool, configuration: .init(stallTimeout: nil), logger: logger)
        #expect(try await rescuer.runOnce(now: extensions[0]).rescued.isEmpty)
        let beating = try await fixture.record(id)
        #expect(try #require(beating.leaseExpiresAt) > extensions[0])
        #expect(beating.progress == 0.5 && beating.stage == "encode")
        finish.signal()
        try await done.wait()
        runner.shutdown()
        try await task.value
        let record = try await fixture.record(id)
        #expect(record.state == .succeeded && record.attempts == 1)
        await fixture.close()
    }

    @Test func aBusyBacklogLaneDoesNotDelayAFreshUpload() async throws {
        let fixture = try await QueueFixture.make()
        let backlogBusy = Countdown(1)
        let backlogMayGo = DispatchSemaphore(value: 0)
        let photoRan = Countdown(1)
        let runner = try QueueRunner(
            // A grace long enough for the fresh job's completion to commit on a loaded machine.
            configuration: fixture.runnerConfiguration(
                lanes: [.init("photo", threads: 1), .init("backlog", threads: 1)], grace: .seconds(20)),
            handlers: [
                "reprocess": { _, _ in
                    if !backlogBusy.isDone {
                        backlogBusy.countDown()
                        backlogMayGo.wait()
                    }
                    return .completed
                },
                "media.photo": { _, _ in
                    photoRan.countDown()
                    return .completed
                },
            ], logger: logger)
        try await fixture.queue.enqueue((0..<5000).map { _ in NewJob(kind: "reprocess", lane: "backlog", priority: -100) })
        let task = Task { try await runner.run() }
        try await backlogBusy.wait()
        // The backlog's only thread is stuck and 4,999 jobs wait behind it; a fresh upload in
        // its own lane still runs at once.
        let fresh = try await fixture.queue.enqueue(NewJob(kind: "media.photo", lane: "photo")).id
        try await photoRan.wait()
        #expect(try await fixture.record(fresh).state != .available)
        backlogMayGo.signal()
        runner.shutdown()
        try await task.value
        #expect(try await fixture.record(fresh).state == .succeeded)
        await fixture.close()
    }

    @Test func aBadConfigurationIsRefused() throws {
        let database = DatabasePool.Configuration(url: "postgresql:///x")
        #expect(throws: QueueError.self) {
            try QueueRunner(configuration: .init(database: database, lanes: []), handlers: [:], logger: logger)
        }
        #expect(throws: QueueError.self) {
            try QueueRunner(
                configuration: .init(database: database, lanes: [.init("a", threads: 1)], leaseDuration: .seconds(5), heartbeatInterval: .seconds(5)),
                handlers: [:], logger: logger)
        }
    }
}
