import Foundation
import Logging
import Platform
import Testing

/// The operator page in a real browser: headless Chromium driven by Selenium
/// (`scripts/admin-browser-check.py`) against a real `serve`, offline, on loopback. The script
/// reports one result per check; this test seeds what they look for, asserts each result, and
/// checks the database afterwards. Screenshots land in `.build/test-output/admin-browser`.
@Suite("Operator page in a browser", .enabled(if: AdminBrowser.available, "needs chromium, chromium-driver and Selenium in the test venv (scripts/setup --tests)"))
struct AdminBrowserTests {
    static let token = "browser-operator-token-0123456789"
    let logger = Logger(label: "admin-browser")

    @Test func anOperatorRetriesAFailingJobLiftsAQuarantineSeesAThumbnailAndRestoresAReportedPost() async throws {
        let directory = URL(fileURLWithPath: "/tmp/md-admin-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = EmbeddedPostgres(
            directory: directory.appendingPathComponent("pg").path, port: Int.random(in: 20_000..<60_000), ephemeral: true,
            logger: logger)
        try await Blocking.onOwnThread { try cluster.start() }  // initdb and pg_ctl block for seconds
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let pool = try DatabasePool(url: cluster.connectionURL, size: 2, logger: logger)
        try await Migrator(logger: logger).migrate(pool)

        let daemon = try DaemonProcess.start(
            ["serve", "--data", directory.appendingPathComponent("state").path, "--port", "0", "--photo-workers", "1"],
            directory: directory, environment: ["DATABASE_URL": cluster.connectionURL, "MEDIADAEMON_OPERATOR_TOKEN": Self.token])
        defer { daemon.signal(SIGTERM) }
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let port = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        let base = "http://127.0.0.1:\(port)"

        // An ordinary user uploads a photo; once it is ready its job is copied as a dead one.
        let harness = try ServeHarness(prefix: "md-admin-files")
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let userToken = try await harness.token(port: port)
        let photo = try await harness.image("seed.png")
        let upload = try await harness.curl(
            ["-H", "Authorization: Bearer \(userToken)", "-F", "media=@\(photo)", "\(base)/api/v1/posts"])
        #expect(upload.status == 201 || upload.status == 202, "\(String(decoding: upload.body, as: UTF8.self))")
        let ready = try await harness.eventually(within: 120) {
            try await pool.query("SELECT 1 FROM media WHERE status = 'ready'").count == 1
        }
        try #require(ready, "the seeded photo never became ready: \(daemon.stderr.suffix(2000))")
        let mediaID = try await pool.query("SELECT id FROM media")[0]["id", as: Int64.self]
        let dead = try await pool.query(
            """
            INSERT INTO jobs (kind, lane, payload, state, attempts, max_attempts, started_at, finished_at, last_error, errors)
            SELECT kind, lane, payload, 'dead', 1, 1, now(), now(), 'seeded failure',
                   jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now(), 'code', 'bad_input', 'message', 'seeded failure'))
            FROM jobs WHERE kind = 'media.photo' LIMIT 1
            RETURNING id
            """)[0]["id", as: Int64.self]
        let key = String(repeating: "c", count: 64)
        try await pool.query(
            """
            INSERT INTO job_content_kills (content_key, kills, last_job_id, last_kind, last_error, last_killed_at, quarantined_at)
            VALUES ($1, 2, $2, 'media.photo', 'lease_expired', now(), now())
            """, [key, dead])

        // The user's post, hidden by reports pending review (two reporters, spam and hate).
        let postID = try await pool.query("SELECT id FROM posts")[0]["id", as: Int64.self]
        try await pool.query(
            """
            WITH reporters AS (
                INSERT INTO users (username, password_hash) VALUES ('reporter1', 'x'), ('reporter2', 'x') RETURNING id, username)
            INSERT INTO reports (reporter_id, target_kind, target_id, reason)
            SELECT id, 'post', $1, CASE WHEN username = 'reporter1' THEN 'spam' ELSE 'hate' END FROM reporters
            """, [postID])
        try await pool.query("UPDATE posts SET hidden = true, hidden_by = 'reports' WHERE id = $1", [postID])

        let output = AdminBrowser.outputDirectory
        let run = try await ChildProcess(
            AdminBrowser.python,
            [AdminBrowser.script, base, Self.token, "rhea", "a long passphrase", String(dead), String(mediaID), key, output, String(postID)],
            directory: directory
        ).waitForExit()
        let results = Dictionary(
            run.stdout.split(separator: "\n").compactMap { line -> (String, (Bool, String))? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let check = object["check"] as? String, let ok = object["ok"] as? Bool
                else { return nil }
                return (check, (ok, object["detail"] as? String ?? ""))
            }, uniquingKeysWith: { first, _ in first })
        let expected = [
            "refused_without_credentials", "refused_ordinary_user", "logged_in_as_operator", "overview_updates_live",
            "failing_job_listed", "retried_job_succeeded", "quarantine_lifted", "thumbnail_loaded", "reported_post_listed",
            "reported_post_restored", "no_console_errors",
            "control_error_caught",
        ]
        for check in expected {
            let result = results[check]
            #expect(result?.0 == true, "\(check): \(result?.1 ?? "not reported") \(results["exception"]?.1 ?? "") \(run.stderr.suffix(1500))")
        }
        #expect(results["exception"] == nil, "\(results["exception"]?.1 ?? "")")

        // What the clicks did, read from the database rather than the page.
        #expect(try await pool.query("SELECT state::text FROM jobs WHERE id = $1", [dead])[0]["state", as: String.self] == "succeeded")
        #expect(try await pool.query("SELECT 1 FROM job_content_kills WHERE content_key = $1", [key]).isEmpty)
        let post = try await pool.query("SELECT hidden, moderated_at IS NOT NULL AS reviewed FROM posts WHERE id = $1", [postID])[0]
        #expect(try post["hidden", as: Bool.self] == false)
        #expect(try post["reviewed", as: Bool.self] == true)
        for page in ["overview", "job", "media", "moderation"] {
            for width in ["desktop", "phone"] {
                #expect(FileManager.default.fileExists(atPath: "\(output)/\(page)-\(width).png"), "\(page)-\(width)")
            }
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit().status == 0)
        await pool.close()
    }
}

/// Where the browser, its driver and Selenium are, and where the screenshots go.
enum AdminBrowser {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = repository.appendingPathComponent("scripts/admin-browser-check.py").path
    static let outputDirectory = repository.appendingPathComponent(".build/test-output/admin-browser").path

    /// The tests' venv (`scripts/test-venv`): $MEDIADAEMON_TEST_VENV, else the user's cache.
    static var python: String {
        let environment = ProcessInfo.processInfo.environment
        let venv =
            environment["MEDIADAEMON_TEST_VENV"]
            ?? (environment["XDG_CACHE_HOME"] ?? (environment["HOME"] ?? "/root") + "/.cache") + "/mediadaemon/test-venv"
        return venv + "/bin/python3"
    }

    static var available: Bool {
        let files = FileManager.default
        let venv = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent().path
        let selenium = (try? files.contentsOfDirectory(atPath: venv + "/lib"))?.contains { version in
            files.fileExists(atPath: "\(venv)/lib/\(version)/site-packages/selenium")
        } ?? false
        return files.isExecutableFile(atPath: "/usr/bin/chromedriver") && files.isExecutableFile(atPath: "/usr/bin/chromium")
            && files.isExecutableFile(atPath: python) && selenium
    }
}
