import Foundation

/// Typed reads of the process environment: a variable that is set must parse, or the read
/// throws a `ConfigurationError` naming it (a bad value never falls back to the default).
struct EnvironmentValues: Sendable {
    let values: [String: String]

    init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The variable's text, nil when unset or empty.
    func string(_ name: String) -> String? {
        guard let text = values[name], !text.isEmpty else { return nil }
        return text
    }

    /// The variable as an integer in `range`; nil when unset.
    func integer<Value: FixedWidthInteger & Sendable>(_ name: String, in range: ClosedRange<Value>) throws -> Value? {
        guard let text = string(name) else { return nil }
        guard let value = Value(text), range.contains(value) else {
            throw ConfigurationError(variable: name, value: text, expected: "an integer \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// The variable as a number of seconds in `range`; nil when unset.
    func seconds(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name, value: text, expected: "a number of seconds \(Int(range.lowerBound))...\(Int(range.upperBound))")
        }
        return value
    }
}

/// An environment variable whose value cannot be used: the command reports `description`
/// ("MEDIADAEMON_PORT must be an integer 0...65535, not 80x") as a usage error (exit 64).
struct ConfigurationError: Error, CustomStringConvertible {
    var variable: String
    var value: String
    var expected: String

    var description: String { "\(variable) must be \(expected), not \(value)" }
}
