import Foundation
import Testing

@testable import Platform

/// The operator page's queries stay index walks however long the history: the planner's choice
/// on a table of many finished jobs is checked (as `QueuePlanTests` does for the claim), and the
/// answers against counts the seed fixes.
@Suite("Queue: the operator page's plans and counts with a large history")
struct QueueOverviewPlanTests {
    /// 200k jobs finished three days ago, 40 dead in the last hour (30 `bad_input`, 10
    /// `stalled`, 10 of them on one input), 25 succeeded in the last hour, 5000 available in
    /// `backlog` and 7 running on `photo` held by owner `w1`.
    private static func seed(_ fixture: QueueFixture) async throws {
        try await fixture.pool.execute(
            """
            INSERT INTO jobs (kind, lane, state, attempts, started_at, finished_at)
            SELECT 'old', 'photo', 'succeeded', 1, now() - interval '3 days', now() - interval '3 days'
            FROM generate_series(1, 200000);
            INSERT INTO jobs (kind, lane, state, attempts, started_at, finished_at, last_error, errors, payload)
            SELECT 'media.photo', 'photo', 'dead', 1, now() - interval '10 minutes', now() - interval '10 minutes',
                   'boom', jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now(), 'code',
                       CASE WHEN i <= 30 THEN 'bad_input' ELSE 'stalled' END, 'message', 'boom')),
                   CASE WHEN i <= 10 THEN '{"content_key": "poison"}'::jsonb ELSE '{}'::jsonb END
            FROM generate_series(1, 40) AS i;
            INSERT INTO jobs (kind, lane, state, attempts, started_at, finished_at)
            SELECT 'media.photo', 'photo', 'succeeded', 1, now() - interval '5 minutes', now() - interval '5 minutes'
            FROM generate_series(1, 25);
            INSERT INTO jobs (kind, lane) SELECT 'backfill', 'backlog' FROM generate_series(1, 5000);
            INSERT INTO jobs (kind, lane, state, attempts, lease_owner, lease_expires_at, heartbeat_at, started_at)
            SELECT 'media.photo', 'photo', 'running', 1, 'w1', now() + interval '30 seconds', now(), now()
            FROM generate_series(1, 7);
            ANALYZE jobs;
            """)
    }

    private static func plan(_ fixture: QueueFixture, _ query: QueueQuery, _ arguments: String) async throws -> String {
        let sql = try query.sql()
        return try await fixture.pool.withConnection { try $0.preparedPlan(sql, arguments: arguments) }
    }

    @Test func everyPageQueryWalksAnIndexAndCountsWhatWasSeeded() async throws {
        let fixture = try await QueueOverviewPlanTests.make()
        let checks: [(QueueQuery, String)] = [
            (.countLiveJobs, ""),
            (.countFinishedJobs, "(3600)"),
            (.jobsPerMinute, "(60)"),
            (.failureCodes, "(86400)"),
            (.queueDaemons, "(60)"),
            (.listJobs, "(NULL, NULL, NULL, 50, NULL, NULL, NULL)"),
            (.listJobs, "('dead', NULL, 'photo', 50, 'bad_input', NULL, NULL)"),
            (.listJobs, "(NULL, NULL, NULL, 50, NULL, 'poison', NULL)"),
            (.listJobs, "('running', NULL, NULL, 50, NULL, NULL, 1000)"),
        ]
        for (query, arguments) in checks {
            let plan = try await Self.plan(fixture, query, arguments)
            #expect(!plan.contains("Seq Scan on jobs"), "\(query)\(arguments):\n\(plan)")
            #expect(plan.contains("Index"), "\(query)\(arguments):\n\(plan)")
        }

        let lanes = try await fixture.queue.laneActivity(window: .seconds(3600))
        let photo = try #require(lanes.first { $0.lane == "photo" })
        let backlog = try #require(lanes.first { $0.lane == "backlog" })
        #expect((photo.running, photo.succeeded, photo.dead, photo.available) == (7, 25, 40, 0))
        #expect((backlog.available, backlog.running) == (5000, 0))
        #expect(backlog.oldestAvailableSeconds != nil)

        let minutes = try await fixture.queue.throughput(minutes: 60)
        #expect(minutes.count == 60)
        #expect(minutes.reduce(0) { $0 + $1.succeeded } == 25)
        #expect(minutes.reduce(0) { $0 + $1.dead } == 40)

        let codes = try await fixture.queue.failureCodes(window: .seconds(86_400))
        #expect(codes.map(\.code) == ["bad_input", "stalled"])
        #expect(codes.map(\.jobs) == [30, 10])
        #expect(codes.first?.inputs == 1)

        let owners = try await fixture.queue.daemons()
        #expect(owners.map(\.owner) == ["w1"])
        #expect(owners.first?.running == 7)
        #expect(owners.first?.lanes == ["photo"])

        let poisoned = try await fixture.queue.list(JobFilter(contentKey: "poison"), limit: 100)
        #expect(poisoned.count == 10)
        let stalled = try await fixture.queue.list(JobFilter(state: .dead, errorCode: "stalled"), limit: 100)
        #expect(stalled.count == 10)
        #expect(try await fixture.queue.retryDead(matching: JobFilter(errorCode: "stalled")) == 10)
        #expect(try await fixture.queue.list(JobFilter(state: .dead), limit: 100).count == 30)
        await fixture.close()
    }

    @Test func aRunningRunnerIsOnlineWhileIdleAndGoneAfterItStops() async throws {
        let fixture = try await QueueFixture.make()
        var configuration = fixture.runnerConfiguration(lanes: [.init("default", threads: 2)], owner: "presence-test")
        configuration.presenceDetail = { "children: none" }
        let runner = try QueueRunner(configuration: configuration, handlers: [:], logger: fixture.logger)
        let task = Task { try await runner.run() }
        try await awaitCondition("the runner records itself") {
            try await fixture.queue.daemons().map(\.owner) == ["presence-test"]
        }
        let online = try #require(try await fixture.queue.daemons().first)
        #expect(online.lanes == ["default×2"])
        #expect(online.running == 0)
        #expect(online.startedAt != nil)
        #expect(online.detail == "children: none")
        runner.shutdown()
        try await task.value
        #expect(try await fixture.queue.daemons().isEmpty)
        await fixture.close()
    }

    private static func make() async throws -> QueueFixture {
        let fixture = try await QueueFixture.make()
        try await seed(fixture)
        return fixture
    }
}
