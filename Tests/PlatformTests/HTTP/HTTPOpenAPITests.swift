import Foundation
import Hummingbird
import Testing

@testable import Platform

@Suite("HTTP OpenAPI coverage")
struct HTTPOpenAPITests {
    /// `openapi.yaml` in the package root, found from this file's path.
    static func specification() throws -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return try String(contentsOf: url.appendingPathComponent("openapi.yaml"), encoding: .utf8)
    }

    /// `METHOD /path` for every operation under `paths:` (two-space path keys, four-space methods).
    static func documentedRoutes(_ yaml: String) -> Set<String> {
        var routes: Set<String> = []
        var inPaths = false
        var path: String?
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty { inPaths = line.hasPrefix("paths:") }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { routes.insert("\(key.uppercased()) \(path)") }
            }
        }
        return routes
    }

    @Test("every registered route is in openapi.yaml and every documented route is registered")
    func coverage() async throws {
        let fixture = try await HTTPFixture.make(migrate: false)
        let registered = Set(
            fixture.api.makeRouter().routes.map { route in
                "\(route.method.rawValue) \(route.path.description.replacingOccurrences(of: "**", with: "{key}"))"
            })
        let documented = Self.documentedRoutes(try Self.specification())
        #expect(registered.count >= 19)
        #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented))")
        #expect(documented.subtracting(registered).isEmpty, "not registered: \(documented.subtracting(registered))")
    }
}
