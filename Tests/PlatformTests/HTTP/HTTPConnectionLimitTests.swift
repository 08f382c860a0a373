import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

/// Timeouts and the connection cap, over real sockets with short configured timeouts.
@Suite("HTTP connection limits")
struct HTTPConnectionLimitTests {
    @Test("a client that sends half a request head is disconnected after the header timeout")
    func halfHead() async throws {
        let fixture = try await HTTPFixture.make {
            $0.timeouts = HTTPTimeouts(header: .seconds(1), body: .seconds(600), idle: .seconds(600))
        }
        try await fixture.test { client in
            // The other timeouts are 600 s, so a close before 300 s is the header timeout's; the
            // wide bound leaves room for a loaded machine (10 s once was not enough). A whole
            // request first: the clock then starts on a connection the server has accepted.
            let connection = try RawConnection(port: try #require(client.port), readBound: .seconds(330))
            #expect(await connection.exchange("GET /healthz HTTP/1.1\r\nHost: local\r\n\r\n") == "HTTP/1.1 200 OK")
            connection.send("GET /healthz HTTP/1.1\r\nHost: local")
            let closedAfter = try #require(await connection.timeUntilClosed(), "still open after the read bound")
            #expect(closedAfter >= .milliseconds(800), "not before the header timeout")
            #expect(closedAfter < .seconds(300))
            // Other clients are served as before.
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }

    @Test("a stalled upload is disconnected after the body timeout and its spool file removed")
    func stalledBody() async throws {
        let fixture = try await HTTPFixture.make {
            $0.timeouts = HTTPTimeouts(header: .seconds(600), body: .seconds(1), idle: .seconds(600))
        }
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let spool = fixture.api.configuration.uploadDirectory
            // The other timeouts are 600 s, so a close before 300 s is the body timeout's; the
            // wide bounds leave room for a loaded machine (15 s once was not enough in CI).
            let connection = try RawConnection(port: try #require(client.port), readBound: .seconds(330))
            #expect(await connection.exchange("GET /healthz HTTP/1.1\r\nHost: local\r\n\r\n") == "HTTP/1.1 200 OK")
            let boundary = HTTPPostTests.boundary
            let body = Array(HTTPPostTests.multipart(HTTPPostTests.jpeg(30_000)).readableBytesView)
            connection.send(
                "POST /api/v1/posts HTTP/1.1\r\nHost: local\r\nAuthorization: Bearer \(alice.token)\r\n"
                    + "Content-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n")
            connection.send(Array(body.prefix(2_000)))
            let closedAfter = try #require(await connection.timeUntilClosed(), "still open after the read bound")
            #expect(closedAfter < .seconds(300))
            // The handler sees the body end early and discards its spool; wait for that (bounded).
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(60)
            while try FileManager.default.contentsOfDirectory(atPath: spool).contains(where: { $0.hasPrefix("mediadaemon-upload-") }),
                clock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))  // no signal for a file's removal: poll, bounded
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool).filter { $0.hasPrefix("mediadaemon-upload-") } == [])
        }
    }

    @Test("a connection past the cap is closed by the refusal, not a timeout; admitted ones keep working")
    func connectionCap() async throws {
        let fixture = try await HTTPFixture.make {
            $0.maximumConnections = 2
            $0.timeouts = HTTPTimeouts(header: .seconds(600), body: .seconds(600), idle: .seconds(600))
        }
        try await fixture.test { client in
            // The test client's connection is the first.
            #expect(try await client.send(.get, "/healthz").status == .ok)
            let port = try #require(client.port)
            let admitted = try RawConnection(port: port)
            #expect(await admitted.exchange("GET /healthz HTTP/1.1\r\nHost: local\r\n\r\n") == "HTTP/1.1 200 OK")
            let refused = try RawConnection(port: port)
            let closedAfter = try #require(await refused.timeUntilClosed(), "the third connection stayed open")
            // Every timeout is 600 s, so a close before 300 s is the refusal's. (The clock starts
            // at connect, before the server accepts; a loaded machine once took 19 s to accept.)
            #expect(closedAfter < .seconds(300), "closed by the refusal, not by a timeout")
            #expect(await admitted.exchange("GET /healthz HTTP/1.1\r\nHost: local\r\n\r\n") == "HTTP/1.1 200 OK")
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }
}
