/// A small reader of the Prometheus text exposition format (0.0.4), written from the format's
/// description and independent of the library that renders `/metrics`: `# TYPE` lines and
/// samples (`name{label="value",…} number`, label values with `\\`, `\"` and `\n` escapes).
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Family name → type (`counter`, `gauge`, `histogram`, …), from the `# TYPE` lines.
    private(set) var types: [String: String] = [:]
    private(set) var samples: [Sample] = []

    /// Parses `text`; nil if any line is malformed.
    init?(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                let words = line.split(separator: " ")
                if words.count == 4, words[1] == "TYPE" { types[String(words[2])] = String(words[3]) }
                continue
            }
            guard let sample = Self.sample(Substring(line)) else { return nil }
            samples.append(sample)
        }
    }

    /// The value of the sample `name` whose labels are exactly `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The cumulative count of `family`'s histogram bucket with upper bound `bound` (`+Inf`
    /// included), for the series with `labels` besides `le`.
    func bucket(_ family: String, _ labels: [String: String], le bound: Double) -> Double? {
        samples.first {
            $0.name == family + "_bucket" && $0.labels.filter { $0.key != "le" } == labels
                && $0.labels["le"].flatMap(Self.number) == bound
        }?.value
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    private static func sample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let name = rest.prefix { $0 != "{" && $0 != " " }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var labels = [String: String]()
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { return nil }
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let number = rest.dropFirst().split(separator: " ").first.map(String.init) ?? ""
        guard let value = Self.number(number) else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
