import Foundation
import Synchronization

/// Pillow's 8-bit LANCZOS resize (`Image.resize`, `reducing_gap=None`) re-implemented from its
/// description: separable, horizontal pass first, weights quantised to 22 fractional bits and
/// each pass rounded and clipped to 8 bits. Needed for hashes compatible with imagehash.
enum LanczosResampler {
    private static let precisionBits = 22

    /// Resizes a single-channel 8-bit image. Sums are 32-bit integers as in Pillow (they
    /// cannot overflow: |weights| sum to little more than 2^22 and pixels are below 2^8).
    static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [UInt8] {
        pixels.withUnsafeBufferPointer { resize($0, width: width, height: height, toWidth: toWidth, toHeight: toHeight) }
    }

    /// As `resize(_:…)`, reading the pixels in place.
    static func resize(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, toWidth: Int, toHeight: Int
    ) -> [UInt8] {
        var current = toWidth != width ? horizontal(pixels, width: width, height: height, toWidth: toWidth) : Array(pixels)
        let currentWidth = toWidth
        if toHeight != height {
            current = vertical(current, width: currentWidth, height: height, toHeight: toHeight)
        }
        return current
    }

    /// The horizontal pass. Each weight is split as `high · 2^8 + low` with `low` in 0…255, so
    /// both halves and the pixels fit 16-bit lanes and every product is a 16×16→32-bit
    /// multiply-add; `(Σ p·high) · 2^8 + Σ p·low` is `Σ p·weight` exactly (wrapping Int32, as
    /// is Pillow's sum). Weights are zero-padded to whole groups of eight, reading from a copy
    /// of the row with zeroed slack after it.
    private static func horizontal(
        _ input: UnsafeBufferPointer<UInt8>, width: Int, height: Int, toWidth: Int
    ) -> [UInt8] {
        let taps = Taps.cached(input: width, output: toWidth, padTo: 8)
        let (high, low) = (taps.high, taps.low)
        let slack = taps.count.max() ?? 0
        let row = UnsafeMutablePointer<UInt8>.allocate(capacity: width + slack)
        defer { row.deallocate() }
        row.initialize(repeating: 0, count: width + slack)
        return [UInt8](unsafeUninitializedCapacity: toWidth * height) { out, initialised in
            high.withUnsafeBufferPointer { high in
                low.withUnsafeBufferPointer { low in
                    for y in 0..<height {
                        row.update(from: input.baseAddress! + y * width, count: width)
                        for x in 0..<toWidth {
                            let pixels = UnsafeRawPointer(row + taps.first[x])
                            let highs = UnsafeRawPointer(high.baseAddress! + taps.start[x])
                            let lows = UnsafeRawPointer(low.baseAddress! + taps.start[x])
                            var highSums = SIMD8<Int32>(repeating: 0), lowSums = SIMD8<Int32>(repeating: 0)
                            var k = 0
                            let count = taps.count[x]
                            while k < count {
                                let p = SIMD8<Int32>(truncatingIfNeeded: pixels.loadUnaligned(fromByteOffset: k, as: SIMD8<UInt8>.self))
                                let h = SIMD8<Int32>(truncatingIfNeeded: highs.loadUnaligned(fromByteOffset: 2 * k, as: SIMD8<Int16>.self))
                                let l = SIMD8<Int32>(truncatingIfNeeded: lows.loadUnaligned(fromByteOffset: 2 * k, as: SIMD8<Int16>.self))
                                highSums &+= p &* h
                                lowSums &+= p &* l
                                k &+= 8
                            }
                            let sum = Int32(1 << (precisionBits - 1)) &+ (highSums.wrappedSum() &<< 8) &+ lowSums.wrappedSum()
                            out[y * toWidth + x] = clip(sum)
                        }
                    }
                }
            }
            initialised = toWidth * height
        }
    }

    /// The vertical pass, eight columns at a time (one Int32 sum per lane; the rest one by one).
    private static func vertical(_ input: [UInt8], width: Int, height: Int, toHeight: Int) -> [UInt8] {
        let taps = Taps.cached(input: height, output: toHeight, padTo: 1)
        let grouped = width / 8 * 8
        return [UInt8](unsafeUninitializedCapacity: width * toHeight) { out, initialised in
            input.withUnsafeBufferPointer { input in
                let base = UnsafeRawPointer(input.baseAddress!)
                for y in 0..<toHeight {
                    let first = taps.first[y], start = taps.start[y], count = taps.count[y]
                    var x = 0
                    while x < grouped {
                        var sums = SIMD8<Int32>(repeating: Int32(1 << (precisionBits - 1)))
                        for offset in 0..<count {
                            let p = base.loadUnaligned(fromByteOffset: (first + offset) * width + x, as: SIMD8<UInt8>.self)
                            sums &+= SIMD8<Int32>(truncatingIfNeeded: p) &* SIMD8(repeating: taps.weights[start + offset])
                        }
                        for lane in 0..<8 { out[y * width + x + lane] = clip(sums[lane]) }
                        x += 8
                    }
                    while x < width {
                        var sum = Int32(1 << (precisionBits - 1))
                        for offset in 0..<count {
                            sum &+= Int32(input[(first + offset) * width + x]) &* taps.weights[start + offset]
                        }
                        out[y * width + x] = clip(sum)
                        x += 1
                    }
                }
            }
            initialised = width * toHeight
        }
    }

    /// `coefficients` packed for the loops: every output's weights back to back in `weights`,
    /// from `start[i]`, `count[i]` of them (zero-padded to a multiple of `padTo`), applied from
    /// input index `first[i]`; `high`/`low` split each weight as `high · 2^8 + low`.
    private struct Taps: Sendable {
        var first: [Int] = [], start: [Int] = [], count: [Int] = [], weights: [Int32] = []
        var high: [Int16] = [], low: [Int16] = []

        private struct Key: Hashable { var input, output, padTo: Int }
        /// Every photo of one size needs the same taps (a few thousand sines to compute).
        private static let cache = Mutex<[Key: Taps]>([:])

        static func cached(input: Int, output: Int, padTo: Int) -> Taps {
            let key = Key(input: input, output: output, padTo: padTo)
            if let taps = cache.withLock({ $0[key] }) { return taps }
            let taps = Taps(input: input, output: output, padTo: padTo)
            cache.withLock { cache in
                if cache.count >= 64 { cache.removeAll() }
                cache[key] = taps
            }
            return taps
        }

        private init(input: Int, output: Int, padTo: Int) {
            for (tap, fixed) in coefficients(input: input, output: output) {
                let padded = (fixed.count + padTo - 1) / padTo * padTo
                first.append(tap)
                start.append(weights.count)
                count.append(padded)
                weights.append(contentsOf: fixed.map { Int32($0) })
                weights.append(contentsOf: repeatElement(0, count: padded - fixed.count))
            }
            high = weights.map { Int16(truncatingIfNeeded: $0 >> 8) }
            low = weights.map { Int16(truncatingIfNeeded: $0 & 0xFF) }
        }
    }

    static func clip(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(precisionBits))
    }

    /// For each output index: the first input tap and the fixed-point weights.
    static func coefficients(input: Int, output: Int) -> [(Int, [Int])] {
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
