import Foundation

/// BlurHash encoding (a compact text placeholder of an image's colours; see blurha.sh):
/// a small DCT of linear-light RGB, quantised and written in base 83.
public enum Blurhash {
    /// Encodes packed 8-bit sRGB pixels (`bands` 3 or 4; alpha ignored) with
    /// `componentsX`×`componentsY` components (1…9 each).
    public static func encode(
        pixels: [UInt8], width: Int, height: Int, bands: Int, componentsX: Int = 4, componentsY: Int = 4
    ) -> String {
        precondition((1...9).contains(componentsX) && (1...9).contains(componentsY), "components must be 1…9")
        precondition(bands >= 3 && pixels.count == width * height * bands, "pixel buffer size mismatch")
        // Separable DCT: each row is reduced to `componentsX` sums with a precomputed cosine
        // table, then the rows are combined with the vertical table.
        let cosX = cosineTable(components: componentsX, length: width)
        let cosY = cosineTable(components: componentsY, length: height)
        let linear = linearTable
        var rowSums = [Double](repeating: 0, count: componentsX * 3)
        var sums = [Double](repeating: 0, count: componentsX * componentsY * 3)
        for y in 0..<height {
            for k in rowSums.indices { rowSums[k] = 0 }
            var p = y * width * bands
            for x in 0..<width {
                let r = linear[Int(pixels[p])], g = linear[Int(pixels[p + 1])], b = linear[Int(pixels[p + 2])]
                for i in 0..<componentsX {
                    let c = cosX[i * width + x]
                    rowSums[i * 3] += c * r
                    rowSums[i * 3 + 1] += c * g
                    rowSums[i * 3 + 2] += c * b
                }
                p += bands
            }
            for j in 0..<componentsY {
                let c = cosY[j * height + y]
                for k in 0..<(componentsX * 3) { sums[j * componentsX * 3 + k] += c * rowSums[k] }
            }
        }
        let scale = 1 / Double(width * height)
        var factors: [(Double, Double, Double)] = []
        for j in 0..<componentsY {
            for i in 0..<componentsX {
                let normalisation: Double = (i == 0 && j == 0) ? 1 : 2
                let k = (j * componentsX + i) * 3
                let f = normalisation * scale
                factors.append((sums[k] * f, sums[k + 1] * f, sums[k + 2] * f))
            }
        }
        var text = base83((componentsX - 1) + (componentsY - 1) * 9, length: 1)
        let ac = factors.dropFirst()
        let maximum: Double
        if ac.isEmpty {
            maximum = 1
            text += base83(0, length: 1)
        } else {
            let actual = ac.map { max(abs($0.0), abs($0.1), abs($0.2)) }.max() ?? 0
            let quantised = Int(max(0, min(82, (actual * 166 - 0.5).rounded(.down))))
            maximum = Double(quantised + 1) / 166
            text += base83(quantised, length: 1)
        }
        let dc = factors[0]
        text += base83(linearToSrgb(dc.0) << 16 + linearToSrgb(dc.1) << 8 + linearToSrgb(dc.2), length: 4)
        for factor in ac {
            func quantise(_ value: Double) -> Int {
                Int(max(0, min(18, (signedPow(value / maximum, 0.5) * 9 + 9.5).rounded(.down))))
            }
            text += base83(quantise(factor.0) * 19 * 19 + quantise(factor.1) * 19 + quantise(factor.2), length: 2)
        }
        return text
    }

    /// `cos(π·c·n / length)` for each component `c` (rows) and position `n` (columns).
    private static func cosineTable(components: Int, length: Int) -> [Double] {
        var table = [Double](repeating: 0, count: components * length)
        for c in 0..<components {
            for n in 0..<length { table[c * length + n] = cos(Double.pi * Double(c) * Double(n) / Double(length)) }
        }
        return table
    }

    /// Linear light of each 8-bit sRGB value.
    private static let linearTable: [Double] = (0..<256).map { srgbToLinear(Double($0)) }

    private static let alphabet = Array(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~")

    private static func base83(_ value: Int, length: Int) -> String {
        var out = ""
        for position in (0..<length).reversed() {
            var divisor = 1
            for _ in 0..<position { divisor *= 83 }
            out.append(alphabet[(value / divisor) % 83])
        }
        return out
    }

    private static func srgbToLinear(_ value: Double) -> Double {
        let v = value / 255
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    private static func linearToSrgb(_ value: Double) -> Int {
        let v = max(0, min(1, value))
        return v <= 0.0031308 ? Int(v * 12.92 * 255 + 0.5) : Int((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5)
    }

    private static func signedPow(_ value: Double, _ exponent: Double) -> Double {
        value < 0 ? -pow(-value, exponent) : pow(value, exponent)
    }
}
