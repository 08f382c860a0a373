import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP operations")
struct HTTPOperationsTests {
    @Test("healthz, readyz and metrics with per-route latency")
    func ready() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            #expect(try await client.send(.get, "/healthz").status == .ok)
            #expect(try await client.send(.get, "/readyz").status == .ok)
            _ = try await client.send(.get, "/api/v1/users/12345")
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = try #require(PrometheusText(metrics.text))
            #expect(text.types["http_request_duration_seconds"] == "histogram")
            #expect(
                text.value(
                    "http_request_duration_seconds_count",
                    ["method": "GET", "route": "/api/v1/users/{id}", "status": "404"]) == 1)
            #expect(text.value("http_request_duration_seconds_count", ["method": "GET", "route": "/readyz", "status": "200"]) == 1)
        }
    }

    @Test("readyz is 503 while migrations are pending")
    func notReady() async throws {
        let fixture = try await HTTPFixture.make(migrate: false)
        try await fixture.test { client in
            let response = try await client.send(.get, "/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(try response.errorCode() == "not_ready")
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }
}
