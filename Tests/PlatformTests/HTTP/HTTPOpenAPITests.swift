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

    /// The spec's cursor patterns are the decoder's grammar, so a schema-valid cursor is never
    /// a 400: `next_cursor` is a position, the parameter a position or empty (the first page).
    /// YAML doubles the backslash inside double quotes.
    @Test("openapi.yaml's cursor patterns are Cursor's grammar, for next_cursor and the parameter")
    func cursorPattern() throws {
        let yaml = try Self.specification()
        func quoted(_ pattern: String) -> String { "pattern: \"" + pattern.replacingOccurrences(of: "\\", with: "\\\\") + "\"" }
        #expect(Cursor.pattern == #"^-?[0-9]{1,16}\.[0-9]{1,18}$"#)
        let position = quoted(Cursor.pattern)
        #expect(yaml.components(separatedBy: position).count - 1 == 1, "NextCursor's pattern is not \(position)")
        let parameter = quoted("^(" + Cursor.pattern.dropFirst().dropLast() + ")?$")
        #expect(yaml.components(separatedBy: parameter).count - 1 == 1, "the Cursor parameter's pattern is not \(parameter)")
    }
}
