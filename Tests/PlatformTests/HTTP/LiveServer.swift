import HTTPTypes
@testable import HummingbirdTesting  // `TestResponse`'s initialiser, which is internal
import Logging
import NIOCore
import ServiceLifecycle

@testable import Platform

/// A test against the API served on a real socket: HummingbirdTesting's `.live`, with a longer
/// time for each response. Every suite of a test run runs at once on two cores; a request that
/// waits behind them for more than `.live`'s fixed 20 s fails as a timeout though nothing is
/// wrong, so a response gets `timeout` (a hang still fails, later).
struct LiveServer {
    struct NotListening: Error {}

    /// Serves `api` on its configured address (port 0: a free one), runs `body` with a client
    /// connected to it, then shuts the client and the server down.
    static func run<Value: Sendable>(
        _ api: HTTPAPI, timeout: Duration = .seconds(120),
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let (ports, listening) = AsyncStream.makeStream(of: Int?.self)
        let application = api.makeApplication(onListening: { port in
            listening.yield(port)
            listening.finish()
        })
        let services = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: Logger(label: "http-test")))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { listening.finish() }  // a server that failed to start ends the wait below
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next(), let port = bound else {
                try await group.next()  // the server's error, when it failed
                throw NotListening()
            }
            let client = TestClient(host: "localhost", port: port, configuration: .init(timeout: timeout))
            client.connect()
            do {
                let value = try await body(Client(client: client))
                try await client.shutdown()
                await services.triggerGracefulShutdown()
                return value
            } catch {
                try? await client.shutdown()
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// The client `body` gets: each request on the one kept-alive connection.
    private struct Client: TestClientProtocol {
        let client: TestClient

        func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
            -> TestResponse
        {
            var headers = headers
            headers[.connection] = "keep-alive"
            let request = TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body)
            let response = try await client.execute(request)
            return TestResponse(head: response.head, body: response.body ?? ByteBuffer(), trailerHeaders: response.trailerHeaders)
        }

        var port: Int? { client.port }
    }
}
