/// Compares a manifest the pipeline just produced with its stored expectation, field by field,
/// with a tolerance per kind of field.
///
/// Exact: kind, formats, rendition names, paths, codecs, dimensions, rotation, orientation,
/// audio presence, preset, input size and SHA-256 (the inputs are committed bytes).
/// Within a tolerance: durations and frame times (±``durationMs``), bit rates (±``bitrateFraction``),
/// output sizes (±``bytesFraction``), PDQ and pHash (Hamming distance), PDQ quality (±``qualityPoints``).
/// Arrays of files are matched by `path`, other arrays by position.
struct ManifestComparison: Sendable {
    /// One field that differs, named by its path (`renditions[640.webp].width`).
    struct Mismatch: Sendable, Equatable, CustomStringConvertible {
        var field: String
        var expected: String
        var actual: String
        /// The tolerance the difference exceeded; nil for exact fields.
        var allowed: String?

        var description: String {
            "\(field): expected \(expected), got \(actual)" + (allowed.map { " (allowed \($0))" } ?? "")
        }
    }

    /// How one field is compared.
    enum Rule: Sendable, Equatable {
        case exact
        /// Numbers at most this far apart, in the field's unit.
        case absolute(Double, unit: String)
        /// Numbers within this fraction of the expected value.
        case relative(Double)
        /// Hex hashes at most this many bits apart.
        case hamming(Int)
    }

    /// Milliseconds a duration or frame time may drift.
    var durationMs = 100.0
    /// Fraction a measured bit rate may drift.
    var bitrateFraction = 0.30
    /// Fraction an output file's size may drift.
    var bytesFraction = 0.25
    /// PDQ bits (of 256) that may differ.
    var pdqBits = 16
    /// pHash bits (of 64) that may differ.
    var phashBits = 6
    /// Points (of 100) the PDQ quality may drift.
    var qualityPoints = 10.0

    /// Manifest members neither stored nor compared: BlurHash strings change wholesale with a
    /// one-level shift in a component, and PDQ/pHash already cover what the picture looks like.
    static let ignoredKeys: Set<String> = ["blurhash"]

    /// The rule for the member `key` whose parent object is the member `parent`.
    func rule(key: String, parent: String?) -> Rule {
        switch key {
        case "duration_ms", "t_ms": return .absolute(durationMs, unit: "ms")
        case "video_bitrate", "audio_bitrate": return .relative(bitrateFraction)
        case "bytes": return parent == "input" ? .exact : .relative(bytesFraction)
        case "pdq": return .hamming(pdqBits)
        case "phash": return .hamming(phashBits)
        case "pdq_quality", "quality": return .absolute(qualityPoints, unit: "points")
        default: return .exact
        }
    }

    /// Every difference between `expected` and `actual`, in field order; empty when they match.
    func mismatches(expected: ManifestValue, actual: ManifestValue) -> [Mismatch] {
        let expectedError = expected["error"], actualError = actual["error"]
        if (expectedError == nil) != (actualError == nil) {
            return [Mismatch(field: "result", expected: Self.outcome(expected), actual: Self.outcome(actual))]
        }
        if let expectedError, let actualError {
            // Messages are for people and may be reworded; the code is the contract.
            let want = expectedError["code"] ?? .null, got = actualError["code"] ?? .null
            return want == got ? [] : [Mismatch(field: "error.code", expected: want.summary, actual: Self.outcome(actual))]
        }
        var found: [Mismatch] = []
        compare(expected, actual, field: "", key: nil, parent: nil, into: &found)
        return found
    }

    /// "an error (corrupt)" or "a photo manifest", for a result of the wrong kind.
    private static func outcome(_ value: ManifestValue) -> String {
        if let error = value["error"] {
            let code = error["code"].map(\.summary) ?? "?"
            let message = error["message"].map { ": \($0.summary)" } ?? ""
            return "error \(code)\(message)"
        }
        if case .string(let kind)? = value["kind"] { return "a \(kind) manifest" }
        return value.summary
    }

    private func compare(
        _ expected: ManifestValue, _ actual: ManifestValue, field: String, key: String?, parent: String?,
        into found: inout [Mismatch]
    ) {
        switch (expected, actual) {
        case (.object(let want), .object(let got)):
            for name in Set(want.keys).union(got.keys).sorted() {
                let path = field.isEmpty ? name : "\(field).\(name)"
                switch (want[name], got[name]) {
                case (let wanted?, let gotten?):
                    compare(wanted, gotten, field: path, key: name, parent: key, into: &found)
                case (let wanted?, nil):
                    found.append(Mismatch(field: path, expected: wanted.summary, actual: "nothing (missing)"))
                case (nil, let gotten?):
                    found.append(Mismatch(field: path, expected: "nothing", actual: gotten.summary))
                case (nil, nil):
                    break
                }
            }
        case (.array(let want), .array(let got)):
            compareArrays(want, got, field: field, key: key, into: &found)
        default:
            let rule = rule(key: key ?? "", parent: parent)
            if !Self.matches(expected, actual, rule: rule) {
                found.append(
                    Mismatch(
                        field: field.isEmpty ? "result" : field, expected: expected.summary,
                        actual: Self.describe(actual, against: expected, rule: rule), allowed: Self.describe(rule)))
            }
        }
    }

    /// Arrays of files (objects with a `path`) are matched by path, so a missing or extra
    /// rendition is named; other arrays (frame hashes) by position.
    private func compareArrays(
        _ want: [ManifestValue], _ got: [ManifestValue], field: String, key: String?, into found: inout [Mismatch]
    ) {
        let wantPaths = want.map(Self.path), gotPaths = got.map(Self.path)
        let keyed = !want.isEmpty && !got.isEmpty && !(wantPaths + gotPaths).contains(nil)
        guard keyed else {
            if want.count != got.count {
                found.append(Mismatch(field: "\(field).count", expected: String(want.count), actual: String(got.count)))
            }
            for index in 0..<min(want.count, got.count) {
                compare(want[index], got[index], field: "\(field)[\(index)]", key: key, parent: key, into: &found)
            }
            return
        }
        let gotByPath = Dictionary(zip(gotPaths.compactMap { $0 }, got), uniquingKeysWith: { first, _ in first })
        for (path, wanted) in zip(wantPaths.compactMap { $0 }, want) {
            if let gotten = gotByPath[path] {
                compare(wanted, gotten, field: "\(field)[\(path)]", key: key, parent: key, into: &found)
            } else {
                found.append(Mismatch(field: "\(field)[\(path)]", expected: "a rendition", actual: "nothing (missing)"))
            }
        }
        for path in gotPaths.compactMap({ $0 }) where !wantPaths.contains(path) {
            found.append(Mismatch(field: "\(field)[\(path)]", expected: "nothing", actual: "an extra rendition"))
        }
    }

    private static func path(_ value: ManifestValue) -> String? {
        if case .string(let path)? = value["path"] { return path }
        return nil
    }

    static func matches(_ expected: ManifestValue, _ actual: ManifestValue, rule: Rule) -> Bool {
        switch rule {
        case .exact:
            return expected == actual
        case .absolute(let limit, _):
            guard let want = expected.number, let got = actual.number else { return expected == actual }
            return abs(got - want) <= limit
        case .relative(let fraction):
            guard let want = expected.number, let got = actual.number else { return expected == actual }
            return abs(got - want) <= fraction * abs(want)
        case .hamming(let bits):
            guard case .string(let want) = expected, case .string(let got) = actual,
                let distance = hammingDistance(want, got)
            else { return expected == actual }
            return distance <= bits
        }
    }

    /// Bits that differ between two hex strings of the same length; nil if either is not hex.
    static func hammingDistance(_ left: String, _ right: String) -> Int? {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return nil }
        var distance = 0
        for (x, y) in zip(a, b) {
            guard let p = nibble(x), let q = nibble(y) else { return nil }
            distance += (p ^ q).nonzeroBitCount
        }
        return distance
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The actual value, with how far off it is where a tolerance applied.
    private static func describe(_ actual: ManifestValue, against expected: ManifestValue, rule: Rule) -> String {
        switch rule {
        case .exact:
            return actual.summary
        case .absolute(_, let unit):
            guard let want = expected.number, let got = actual.number else { return actual.summary }
            return "\(actual.summary) (off by \(Self.format(abs(got - want))) \(unit))"
        case .relative:
            guard let want = expected.number, let got = actual.number, want != 0 else { return actual.summary }
            return "\(actual.summary) (\(Self.format((got - want) / want * 100, signed: true))%)"
        case .hamming:
            guard case .string(let want) = expected, case .string(let got) = actual,
                let distance = hammingDistance(want, got)
            else { return actual.summary }
            return "\(actual.summary) (\(distance) bits apart)"
        }
    }

    private static func describe(_ rule: Rule) -> String? {
        switch rule {
        case .exact: return nil
        case .absolute(let limit, let unit): return "±\(format(limit)) \(unit)"
        case .relative(let fraction): return "±\(format(fraction * 100))%"
        case .hamming(let bits): return "≤ \(bits) bits"
        }
    }

    private static func format(_ value: Double, signed: Bool = false) -> String {
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return signed && rounded > 0 ? "+\(text)" : text
    }
}
