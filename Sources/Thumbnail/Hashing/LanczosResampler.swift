import Foundation

/// Pillow's 8-bit LANCZOS resize (`Image.resize`, `reducing_gap=None`) re-implemented from its
/// description: separable, horizontal pass first, weights quantised to 22 fractional bits and
/// each pass rounded and clipped to 8 bits. Needed for hashes compatible with imagehash.
enum LanczosResampler {
    private static let precisionBits = 22

    /// Resizes a single-channel 8-bit image. Sums are 32-bit integers as in Pillow (they
    /// cannot overflow: |weights| sum to little more than 2^22 and pixels are below 2^8).
    static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [UInt8] {
        var current = pixels
        var currentWidth = width
        if toWidth != width {
            let taps = flatCoefficients(input: width, output: toWidth)
            var out = [UInt8](repeating: 0, count: toWidth * height)
            current.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { out in
                    taps.weights.withUnsafeBufferPointer { weights in
                        for y in 0..<height {
                            let row = y * width
                            for x in 0..<toWidth {
                                let pixels = input.baseAddress! + (row + taps.first[x])
                                let kernel = weights.baseAddress! + taps.start[x]
                                let count = taps.count[x]
                                // Four independent partial sums (wrapping integer addition is exact
                                // in any order): the multiplies overlap.
                                var s0 = Int32(1 << (precisionBits - 1)), s1: Int32 = 0, s2: Int32 = 0, s3: Int32 = 0
                                var k = 0
                                while k &+ 4 <= count {
                                    s0 &+= Int32(pixels[k]) &* kernel[k]
                                    s1 &+= Int32(pixels[k &+ 1]) &* kernel[k &+ 1]
                                    s2 &+= Int32(pixels[k &+ 2]) &* kernel[k &+ 2]
                                    s3 &+= Int32(pixels[k &+ 3]) &* kernel[k &+ 3]
                                    k &+= 4
                                }
                                while k < count {
                                    s0 &+= Int32(pixels[k]) &* kernel[k]
                                    k &+= 1
                                }
                                out[y * toWidth + x] = clip(s0 &+ s1 &+ s2 &+ s3)
                            }
                        }
                    }
                }
            }
            current = out
            currentWidth = toWidth
        }
        if toHeight != height {
            let taps = flatCoefficients(input: height, output: toHeight)
            var out = [UInt8](repeating: 0, count: currentWidth * toHeight)
            current.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { out in
                    taps.weights.withUnsafeBufferPointer { weights in
                        for y in 0..<toHeight {
                            let first = taps.first[y], base = taps.start[y]
                            for x in 0..<currentWidth {
                                var sum = Int32(1 << (precisionBits - 1))
                                for offset in 0..<taps.count[y] {
                                    sum &+= Int32(input[(first + offset) * currentWidth + x]) &* weights[base + offset]
                                }
                                out[y * currentWidth + x] = clip(sum)
                            }
                        }
                    }
                }
            }
            current = out
        }
        return current
    }

    /// `coefficients` packed for the loops: every output's weights back to back in `weights`,
    /// from `start[i]`, `count[i]` of them, applied from input index `first[i]`.
    private static func flatCoefficients(input: Int, output: Int) -> (first: [Int], start: [Int], count: [Int], weights: [Int32]) {
        var first: [Int] = [], start: [Int] = [], count: [Int] = [], weights: [Int32] = []
        for (tap, fixed) in coefficients(input: input, output: output) {
            first.append(tap)
            start.append(weights.count)
            count.append(fixed.count)
            weights.append(contentsOf: fixed.map { Int32($0) })
        }
        return (first, start, count, weights)
    }

    private static func clip(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(precisionBits))
    }

    /// For each output index: the first input tap and the fixed-point weights.
    private static func coefficients(input: Int, output: Int) -> [(Int, [Int])] {
        let scale = Double(input) / Double(output)
        let filterScale = max(scale, 1)
        let support = 3 * filterScale
        return (0..<output).map { index in
            let centre = (Double(index) + 0.5) * scale
            let first = max(0, Int(centre - support + 0.5))
            let last = min(input, Int(centre + support + 0.5))
            let inverse = 1.0 / filterScale
            var weights = (first..<last).map { tap in lanczos((Double(tap) - centre + 0.5) * inverse) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            let fixed = weights.map { weight -> Int in
                let scaled = weight * Double(1 << precisionBits)
                return scaled < 0 ? Int(-0.5 + scaled) : Int(0.5 + scaled)
            }
            return (first, fixed)
        }
    }

    private static func lanczos(_ x: Double) -> Double {
        guard -3 <= x && x < 3 else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let px = Double.pi * x
        return sin(px) / px
    }
}
