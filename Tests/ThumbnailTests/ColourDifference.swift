import Foundation

/// CIE colour difference for comparing renders: 8-bit sRGB → CIELAB (D65) and CIEDE2000,
/// written from the published formula (Sharma, Wu and Dalal, "The CIEDE2000 color-difference
/// formula", Color Research & Application 30(1), 2005).
enum ColourDifference {
    /// A CIELAB colour.
    struct Lab {
        var l: Double
        var a: Double
        var b: Double
    }

    /// CIELAB of a gamma-encoded sRGB colour (0…255 per channel), D65 white.
    static func lab(r: UInt8, g: UInt8, b: UInt8) -> Lab {
        let (lr, lg, lb) = (linear[Int(r)], linear[Int(g)], linear[Int(b)])
        let x = 0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb
        let y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
        let z = 0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb
        func f(_ t: Double) -> Double {
            let delta = 6.0 / 29.0
            return t > delta * delta * delta ? cbrt(t) : t / (3 * delta * delta) + 4.0 / 29.0
        }
        let fx = f(x / 0.95047), fy = f(y), fz = f(z / 1.08883)
        return Lab(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    private static let linear: [Double] = (0..<256).map { value in
        let v = Double(value) / 255
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    /// ΔE00 between two CIELAB colours (kL = kC = kH = 1).
    static func ciede2000(_ first: Lab, _ second: Lab) -> Double {
        let meanC = (hypot(first.a, first.b) + hypot(second.a, second.b)) / 2
        let g = 0.5 * (1 - chromaWeight(meanC))
        let a1 = (1 + g) * first.a
        let a2 = (1 + g) * second.a
        let c1 = hypot(a1, first.b)
        let c2 = hypot(a2, second.b)
        let h1 = hueDegrees(a1, first.b)
        let h2 = hueDegrees(a2, second.b)
        let chromaProduct = c1 * c2
        var deltaHue = 0.0
        if chromaProduct != 0 {
            deltaHue = h2 - h1
            if deltaHue > 180 { deltaHue -= 360 } else if deltaHue < -180 { deltaHue += 360 }
        }
        let deltaL = second.l - first.l
        let deltaC = c2 - c1
        let deltaH = 2 * sqrt(chromaProduct) * sin(toRadians(deltaHue / 2))
        let meanL = (first.l + second.l) / 2
        let meanCPrime = (c1 + c2) / 2
        var meanH = h1 + h2
        if chromaProduct != 0 {
            if abs(h1 - h2) <= 180 {
                meanH = (h1 + h2) / 2
            } else if h1 + h2 < 360 {
                meanH = (h1 + h2 + 360) / 2
            } else {
                meanH = (h1 + h2 - 360) / 2
            }
        }
        var t = 1.0
        t -= 0.17 * cos(toRadians(meanH - 30))
        t += 0.24 * cos(toRadians(2 * meanH))
        t += 0.32 * cos(toRadians(3 * meanH + 6))
        t -= 0.20 * cos(toRadians(4 * meanH - 63))
        let hueOffset = (meanH - 275) / 25
        let deltaTheta = 30 * exp(-hueOffset * hueOffset)
        let rC = 2 * chromaWeight(meanCPrime)
        let lOffset = (meanL - 50) * (meanL - 50)
        let sL = 1 + 0.015 * lOffset / sqrt(20 + lOffset)
        let sC = 1 + 0.045 * meanCPrime
        let sH = 1 + 0.015 * meanCPrime * t
        let rT = -sin(toRadians(2 * deltaTheta)) * rC
        let l = deltaL / sL
        let c = deltaC / sC
        let h = deltaH / sH
        return sqrt(l * l + c * c + h * h + rT * c * h)
    }

    /// √(C⁷ / (C⁷ + 25⁷)).
    private static func chromaWeight(_ chroma: Double) -> Double {
        let c7 = Foundation.pow(chroma, 7.0)
        return sqrt(c7 / (c7 + 6_103_515_625.0))
    }

    /// Hue angle in degrees, 0…360 (0 for a neutral colour).
    private static func hueDegrees(_ a: Double, _ b: Double) -> Double {
        if a == 0 && b == 0 { return 0 }
        let h = atan2(b, a) * 180 / Double.pi
        return h < 0 ? h + 360 : h
    }

    private static func toRadians(_ degrees: Double) -> Double { degrees * Double.pi / 180 }

    /// Mean ΔE00 over two same-sized packed 8-bit images (the first three bands are RGB).
    static func meanCIEDE2000(
        _ first: [UInt8], bands firstBands: Int, _ second: [UInt8], bands secondBands: Int, pixels count: Int
    ) -> Double {
        var total = 0.0
        for i in 0..<count {
            let p = i * firstBands, q = i * secondBands
            total += ciede2000(
                lab(r: first[p], g: first[p + 1], b: first[p + 2]),
                lab(r: second[q], g: second[q + 1], b: second[q + 2]))
        }
        return count == 0 ? 0 : total / Double(count)
    }
}
