import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

/// What Schemathesis checks against `openapi.yaml`: cursors, limits, ids and methods.
@Suite("HTTP answers what openapi.yaml says")
struct HTTPSpecAgreementTests {
    @Test("a cursor outside the spec's grammar is 400 invalid_cursor on every paged route; its extremes page")
    func outOfRangeCursor() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let postID = try await fixture.readyPost(userID: alice.id)
            let cursors = [
                "OTIyMzM3MjAzNjg1NDc3NTgwNy4x",  // base64url of "9223372036854775807.1", from the report
                "9223372036854775807.1", "-9223372036854775808.1", "10000000000000000.5",
            ]
            for cursor in cursors {
                for path in [
                    "/api/v1/feed", "/api/v1/users/\(alice.id)/posts", "/api/v1/posts/\(postID)/comments", "/api/v1/notifications",
                ] {
                    let response = try await client.send(.get, "\(path)?cursor=\(cursor)", token: alice.token)
                    #expect(response.status == .badRequest, "\(path) \(cursor)")
                    #expect(try response.errorCode() == "invalid_cursor")
                }
            }
            // The grammar's oldest and newest positions (years 1653 and 2286) still page, and an
            // empty cursor is the first page (the parameter's pattern admits it).
            for cursor in ["-9999999999999999.1", "9999999999999999.999999999999999999", ""] {
                for path in ["/api/v1/feed", "/api/v1/users/\(alice.id)/posts", "/api/v1/posts/\(postID)/comments"] {
                    let response = try await client.send(.get, "\(path)?cursor=\(cursor)", token: alice.token)
                    #expect(response.status == .ok, "\(path) \(cursor)")
                }
            }
        }
    }

    @Test("limit is 1...100: 101 and 0 are 400 invalid_limit, 100 is served")
    func limits() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            for limit in [0, 101, 1000] {
                let response = try await client.send(.get, "/api/v1/feed?limit=\(limit)", token: alice.token)
                #expect(response.status == .badRequest, "\(limit)")
                #expect(try response.errorCode() == "invalid_limit")
            }
            #expect(try await client.send(.get, "/api/v1/feed?limit=100", token: alice.token).status == .ok)
            #expect(try await client.send(.get, "/api/v1/users/\(alice.id)/posts?limit=1").status == .ok)
        }
    }

    @Test("undeclared methods on a route are 405 with Allow; unknown paths stay 404")
    func methodNotAllowed() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let trace = try await client.executeRequest(uri: "/api/v1/users/1", method: .trace, headers: [:], body: nil)
            #expect(trace.status == .methodNotAllowed)
            #expect(try trace.errorCode() == "method_not_allowed")
            #expect(trace.headers[.allow] == "GET")
            let patch = try await client.executeRequest(uri: "/api/v1/users/7/follow", method: .patch, headers: [:], body: nil)
            #expect(patch.status == .methodNotAllowed)
            #expect(patch.headers[.allow] == "DELETE, POST")
            let put = try await client.executeRequest(uri: "/api/v1/sessions", method: .put, headers: [:], body: nil)
            #expect(put.status == .methodNotAllowed)
            let unknown = try await client.executeRequest(uri: "/api/v1/nothing", method: .trace, headers: [:], body: nil)
            #expect(unknown.status == .notFound)
            #expect(try await client.send(.get, "/api/v1/users/1/posts/extra").status == .notFound)
        }
    }

    @Test("an id of digits beyond Int64 is 404 (the spec allows any digits); non-digits are 400")
    func hugeIDs() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let huge = "92233720368547758070"
            #expect(try await client.send(.get, "/api/v1/users/\(huge)").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/users/\(huge)/posts").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/posts/\(huge)/comments").status == .notFound)
            #expect(try await client.send(.post, "/api/v1/users/\(huge)/follow", token: alice.token).status == .notFound)
            let letters = try await client.send(.get, "/api/v1/users/12ab")
            #expect(letters.status == .badRequest)
            #expect(try letters.errorCode() == "invalid_id")
            #expect(try await client.send(.get, "/api/v1/users/-1").status == .badRequest)
        }
    }
}
