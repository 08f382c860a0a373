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
                                // Eight lanes of partial sums (wrapping integer addition is exact in
                                // any order, so the result is Pillow's): a downscale to 32 columns
                                // has ~200 taps per output, eight multiplied at a time.
                                var lanes = SIMD8<Int32>(repeating: 0)
                                var k = 0
                                while k &+ 8 <= count {
                                    let bytes = UnsafeRawPointer(pixels + k).loadUnaligned(as: SIMD8<UInt8>.self)
                                    let taps = UnsafeRawPointer(kernel + k).loadUnaligned(as: SIMD8<Int32>.self)
                                    lanes &+= SIMD8<Int32>(truncatingIfNeeded: bytes) &* taps
                                    k &+= 8
                                }
                                var sum = Int32(1 << (precisionBits - 1)) &+ lanes.wrappedSum()
                                while k < count {
                                    sum &+= Int32(pixels[k]) &* kernel[k]
                                    k &+= 1
                                }
                                out[y * toWidth + x] = clip(sum)
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
