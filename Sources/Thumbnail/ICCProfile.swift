import Foundation

/// Reads just enough of an ICC profile to tell whether converting it to sRGB would change any
/// 8-bit value: an RGB matrix/TRC profile with sRGB's primaries and tone curve (the common
/// "sRGB IEC61966-2.1" camera tag). Such inputs skip the colour transform, which costs more
/// than the resize and only shifts pixels by rounding.
enum ICCProfile {
    /// sRGB's colorants adapted to D50, as ICC profiles store them (rXYZ, gXYZ, bXYZ).
    private static let srgbColorants: [(tag: String, xyz: [Double])] = [
        ("rXYZ", [0.4361, 0.2225, 0.0139]),
        ("gXYZ", [0.3851, 0.7169, 0.0971]),
        ("bXYZ", [0.1431, 0.0606, 0.7141]),
    ]
    /// Colorant tolerance: the usual sRGB profiles agree with the standard to ~0.001.
    private static let colorantTolerance = 0.003

    /// True when `bytes` is an RGB matrix/TRC profile whose conversion to sRGB would move no
    /// channel value by half an 8-bit level or more. Anything unusual (LUT-based tables, other
    /// primaries, a different tone curve, a damaged profile) answers false.
    static func isSRGB(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 132, ascii(bytes, 16) == "RGB ", ascii(bytes, 20) == "XYZ " else { return false }
        let count = Int(be32(bytes, 128))
        guard count > 0, count < 256, 132 + 12 * count <= bytes.count else { return false }
        var tags: [String: (offset: Int, size: Int)] = [:]
        for index in 0..<count {
            let entry = 132 + 12 * index
            let offset = Int(be32(bytes, entry + 4)), size = Int(be32(bytes, entry + 8))
            guard offset >= 0, size >= 8, offset + size <= bytes.count else { return false }
            tags[ascii(bytes, entry)] = (offset, size)
        }
        // Lookup tables take precedence over the matrix in colour engines: not inspected here.
        if ["A2B0", "A2B1", "A2B2", "B2A0", "D2B0"].contains(where: { tags[$0] != nil }) { return false }
        for (tag, expected) in srgbColorants {
            guard let place = tags[tag], place.size >= 20, ascii(bytes, place.offset) == "XYZ " else { return false }
            for axis in 0..<3 {
                let value = Double(Int32(bitPattern: be32(bytes, place.offset + 8 + 4 * axis))) / 65536
                if abs(value - expected[axis]) > colorantTolerance { return false }
            }
        }
        for tag in ["rTRC", "gTRC", "bTRC"] {
            guard let place = tags[tag], let curve = toneCurve(bytes, offset: place.offset, size: place.size) else { return false }
            for level in 0...255 {
                let x = Double(level) / 255
                if abs(srgbEncode(curve(x)) * 255 - Double(level)) >= 0.5 { return false }
            }
        }
        return true
    }

    /// The tag's curve (device value 0…1 → linear 0…1), from a `curv` or `para` element.
    private static func toneCurve(_ bytes: [UInt8], offset: Int, size: Int) -> ((Double) -> Double)? {
        switch ascii(bytes, offset) {
        case "curv":
            guard size >= 12 else { return nil }
            let entries = Int(be32(bytes, offset + 8))
            guard entries >= 2 else { return nil }  // identity or a pure gamma: not sRGB's curve
            guard size >= 12 + 2 * entries else { return nil }
            let table = (0..<entries).map { Double(be16(bytes, offset + 12 + 2 * $0)) / 65535 }
            return { x in
                let position = x * Double(entries - 1)
                let low = min(Int(position), entries - 2)
                let fraction = position - Double(low)
                return table[low] + (table[low + 1] - table[low]) * fraction
            }
        case "para":
            guard size >= 12 else { return nil }
            let function = Int(be16(bytes, offset + 8))
            let counts = [1, 3, 4, 5, 7]
            guard function < counts.count, size >= 12 + 4 * counts[function] else { return nil }
            let p = (0..<counts[function]).map { Double(Int32(bitPattern: be32(bytes, offset + 12 + 4 * $0))) / 65536 }
            switch function {
            case 3:  // Y = (aX + b)^g for X ≥ d, else cX
                return { x in x >= p[4] ? pow(max(0, p[1] * x + p[2]), p[0]) : p[3] * x }
            case 4:  // Y = (aX + b)^g + e for X ≥ d, else cX + f
                return { x in x >= p[4] ? pow(max(0, p[1] * x + p[2]), p[0]) + p[5] : p[3] * x + p[6] }
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// The sRGB transfer function, linear 0…1 → encoded 0…1.
    private static func srgbEncode(_ linear: Double) -> Double {
        let y = min(1, max(0, linear))
        return y <= 0.0031308 ? 12.92 * y : 1.055 * pow(y, 1 / 2.4) - 0.055
    }

    private static func be32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    private static func be16(_ b: [UInt8], _ at: Int) -> UInt16 {
        UInt16(b[at]) << 8 | UInt16(b[at + 1])
    }

    private static func ascii(_ b: [UInt8], _ at: Int) -> String {
        String(decoding: b[at..<at + 4], as: UTF8.self)
    }
}
