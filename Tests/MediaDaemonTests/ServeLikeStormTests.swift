import Foundation
import Logging
import Platform
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Likes of one post from many users at once through `serve`, with the daemon killed (SIGKILL)
/// in the middle: every acknowledged like is a row, and once a new daemon's maintenance has
/// folded the deltas, `like_count` equals the number of `likes` rows.
@Suite("serve: a like storm survives SIGKILL", .serialized)
struct ServeLikeStormTests {
    private let directory: URL
    private let logger = Logger(label: "like-storm-test")

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/md-likes-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Users with known bearer tokens and one post, written straight into the database.
    private func seed(_ pool: DatabasePool, users: Int) async throws -> (postID: Int64, tokens: [String]) {
        let tokens = (0..<users).map { String(format: "%064x", $0 + 1) }
        try await pool.query(
            """
            INSERT INTO users (username, password_hash) SELECT 'storm' || g, 'x' FROM generate_series(0, $1::int - 1) g
            """, [users])
        try await pool.query(
            """
            INSERT INTO sessions (token_hash, user_id)
            SELECT encode(sha256(convert_to(lpad(to_hex(g + 1), 64, '0'), 'UTF8')), 'hex'),
                   (SELECT id FROM users WHERE username = 'storm' || g)
            FROM generate_series(0, $1::int - 1) g
            """, [users])
        let media = try await pool.query(
            """
            INSERT INTO media (sha256, kind, status, original_key, bytes, error_code, error_message)
            VALUES (repeat('a', 64), 'photo', 'failed', 'originals/aa/storm', 1, 'corrupt', 'seeded') RETURNING id
            """)
        let post = try await pool.query(
            "INSERT INTO posts (user_id, media_id) SELECT id, $1 FROM users WHERE username = 'storm0' RETURNING id",
            [try media[0]["id", as: Int64.self]])
        return (try post[0]["id", as: Int64.self], tokens)
    }

    private func startServer(_ url: String) async throws -> (daemon: ChildProcess, port: Int) {
        let daemon = try DaemonProcess.start(
            ["serve", "--data", directory.appendingPathComponent("state").path, "--port", "0", "--like-limit", "100000,100000",
             "--like-fold-interval", "0.2"],
            directory: directory, environment: ["DATABASE_URL": url])
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let port = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        return (daemon, port)
    }

    @Test func likeCountEqualsLikesAfterAKillMidStorm() async throws {
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
        let (postID, tokens) = try await seed(pool, users: 400)

        let (doomed, port) = try await startServer(cluster.connectionURL)
        let acknowledged = AcknowledgedLikes()
        let killAt = tokens.count / 2
        // Eight keep-alive clients like as fast as they can; the daemon dies once half are in.
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                let mine = stride(from: lane, to: tokens.count, by: 8).map { tokens[$0] }
                group.addTask {
                    guard let client = try? KeepAliveClient(port: port) else { return }
                    for token in mine {
                        let status = await client.request(
                            "POST /api/v1/posts/\(postID)/likes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Length: 0\r\n\r\n")
                        guard status == 201 else { return }
                        if acknowledged.count.add(1, ordering: .relaxed).newValue == killAt { doomed.signal(SIGKILL) }
                    }
                }
            }
        }
        #expect(await doomed.waitForExit().status == 128 + SIGKILL)
        let acked = acknowledged.count.load(ordering: .relaxed)
        #expect(acked >= killAt && acked < tokens.count)

        // A new daemon's maintenance folds what the killed one left.
        let (rescuer, _) = try await startServer(cluster.connectionURL)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        var pending = Int64.max
        while clock.now < deadline {
            pending = try await pool.query("SELECT count(*)::int8 AS n FROM like_deltas")[0]["n", as: Int64.self]
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(100))  // polls a condition; the bound is the failure
        }
        #expect(pending == 0)
        let counts = try await pool.query(
            "SELECT like_count, (SELECT count(*) FROM likes WHERE post_id = $1)::int8 AS likes FROM posts WHERE id = $1", [postID])
        let likes = try counts[0]["likes", as: Int64.self]
        #expect(try counts[0]["like_count", as: Int64.self] == likes)
        #expect(likes >= Int64(acked))
        rescuer.signal(SIGTERM)
        #expect(await rescuer.waitForExit().status == 0)
        await pool.close()
    }
}

/// Likes the server answered 201, counted by every client.
final class AcknowledgedLikes: Sendable {
    let count = Atomic<Int>(0)
}

/// One keep-alive HTTP/1.1 connection: a request at a time, answers read to their end.
final class KeepAliveClient: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends `request` and returns the answer's status, or nil when the connection broke.
    func request(_ request: String) async -> Int? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: exchange(request)) }
        }
    }

    private func exchange(_ request: String) -> Int? {
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound]
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length {
                    return head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
                }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            received += buffer[0..<count]
        }
    }
}
