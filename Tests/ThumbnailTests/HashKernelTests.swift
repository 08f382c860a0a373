import Foundation
import Testing
@testable import Thumbnail

/// The fast hash kernels against plain scalar versions of the same arithmetic, written here
/// from ALGORITHMS.md: every value must be bit-identical, whatever the size.
@Suite("hash kernels")
struct HashKernelTests {
    /// Sizes around the 8-row/8-column blocking, the 64-sample grid and window changes.
    static let sizes: [(Int, Int)] = [
        (5, 5), (7, 13), (8, 8), (9, 17), (63, 65), (65, 63), (100, 37), (129, 257), (257, 129), (640, 481), (1100, 300),
    ]

    @Test("the tent-filtered 64×64 grid equals four full scalar box passes, sampled")
    func pdqGrid() throws {
        var random = SeededGenerator(seed: 7)
        for (width, height) in Self.sizes {
            // Luma as the pipeline makes it (sums of products, not integers) plus a plain ramp.
            let pixels = (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &random) }
            var luma = [Float](repeating: 0, count: width * height)
            pixels.withUnsafeBufferPointer { px in
                luma.withUnsafeMutableBufferPointer { HashPlanes.fill(px, bands: 3, count: width * height, luma: $0.baseAddress, grey: nil) }
            }
            let ramp = (0..<(width * height)).map { Float(($0 * 37) % 256) }
            for plane in [luma, ramp] {
                let fast = try #require(Self.grid(plane, width: width, height: height))
                let reference = Self.referenceGrid(plane, width: width, height: height)
                let mismatches = zip(fast, reference).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(mismatches == 0, "\(width)×\(height): \(mismatches) of 4096 samples differ")
            }
        }
        #expect(Self.grid([Float](repeating: 1, count: 4 * 9), width: 4, height: 9) == nil)
    }

    /// `PDQ.grid` of a copy of `plane` (it overwrites the plane it reads).
    static func grid(_ plane: [Float], width: Int, height: Int) -> [Float]? {
        PDQWorkspace.borrow(width: width, height: height) { workspace in
            for (index, value) in plane.enumerated() { workspace.luma[index] = value }
            return PDQ.grid(
                luma: UnsafeBufferPointer(start: workspace.luma, count: plane.count), width: width, height: height,
                workspace: workspace)
        }
    }

    @Test("luma and grey planes equal the scalar formulas for 1 to 4 bands and any pixel count")
    func planes() {
        var random = SeededGenerator(seed: 11)
        for bands in 1...4 {
            for count in [1, 7, 8, 9, 15, 16, 17, 1000, 1003] {
                let pixels = (0..<(count * bands)).map { _ in UInt8.random(in: 0...255, using: &random) }
                var luma = [Float](repeating: -1, count: count)
                var grey = [UInt8](repeating: 0, count: count)
                pixels.withUnsafeBufferPointer { px in
                    luma.withUnsafeMutableBufferPointer { l in
                        grey.withUnsafeMutableBufferPointer { g in
                            HashPlanes.fill(px, bands: bands, count: count, luma: l.baseAddress, grey: g.baseAddress)
                        }
                    }
                }
                var lumaMismatches = 0, greyMismatches = 0
                for p in 0..<count {
                    let expectedLuma: Float, expectedGrey: UInt8
                    if bands < 3 {
                        expectedLuma = Float(pixels[p * bands])
                        expectedGrey = pixels[p * bands]
                    } else {
                        let r = pixels[p * bands], g = pixels[p * bands + 1], b = pixels[p * bands + 2]
                        let rg: Float = 0.299 * Float(r) + 0.587 * Float(g)
                        expectedLuma = rg + 0.114 * Float(b)
                        let weighted: Int = 19595 * Int(r) + 38470 * Int(g) + 7471 * Int(b)
                        expectedGrey = UInt8((weighted + 0x8000) >> 16)
                    }
                    if luma[p].bitPattern != expectedLuma.bitPattern { lumaMismatches += 1 }
                    if grey[p] != expectedGrey { greyMismatches += 1 }
                }
                #expect(lumaMismatches == 0 && greyMismatches == 0, "\(bands) bands, \(count) pixels")
            }
        }
    }

    @Test("the Lanczos resize equals Pillow's scalar two-pass arithmetic, down and up")
    func lanczos() {
        var random = SeededGenerator(seed: 3)
        for (width, height) in Self.sizes + [(31, 33), (32, 32), (2, 3)] {
            let grey = (0..<(width * height)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let fast = LanczosResampler.resize(grey, width: width, height: height, toWidth: 32, toHeight: 32)
            let reference = Self.referenceResize(grey, width: width, height: height, toWidth: 32, toHeight: 32)
            #expect(fast == reference, "\(width)×\(height)")
        }
    }

    @Test("hashes do not depend on what the reused scratch planes held before")
    func scratchReuse() {
        func hashes(_ width: Int, _ height: Int, seed: UInt64) -> ([String], String) {
            var random = SeededGenerator(seed: seed)
            let pixels = (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let (dihedral, phash) = pixels.withUnsafeBufferPointer {
                ImageHashes.compute(pixels: $0, width: width, height: height, bands: 3)
            }
            return (dihedral.map(\.hex), phash)
        }
        let first = hashes(300, 200, seed: 1)
        _ = hashes(1100, 900, seed: 2)
        _ = hashes(17, 9, seed: 3)
        let again = hashes(300, 200, seed: 1)
        #expect(first.0 == again.0 && first.1 == again.1)
        // The combined path agrees with the frame sampler's PDQ-only path.
        var random = SeededGenerator(seed: 1)
        let pixels = (0..<(300 * 200 * 3)).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(PDQ.hash(pixels: pixels, width: 300, height: 200, bands: 3).hex == first.0[0])
    }

    // MARK: - Scalar references

    /// ALGORITHMS.md §1.1 step 4 literally: box rows, box columns, box rows, box columns over
    /// the whole plane, then the samples at the cell centres.
    static func referenceGrid(_ luma: [Float], width: Int, height: Int) -> [Float] {
        func box(_ values: [Float], window: Int) -> [Float] {
            let half = (window + 2) / 2
            var out = [Float](repeating: 0, count: values.count)
            var sum: Float = 0
            var size = 0, right = 0, left = 0, at = 0
            for _ in 0..<(half - 1) { sum += values[right]; size += 1; right += 1 }
            for _ in 0..<(window - half + 1) { sum += values[right]; size += 1; out[at] = sum / Float(size); right += 1; at += 1 }
            for _ in 0..<max(0, values.count - window) {
                sum += values[right]; sum -= values[left]; out[at] = sum / Float(size); left += 1; right += 1; at += 1
            }
            for _ in 0..<(half - 1) { sum -= values[left]; size -= 1; out[at] = sum / Float(size); left += 1; at += 1 }
            return out
        }
        var plane = luma
        let rowWindow = (width + 127) / 128, columnWindow = (height + 127) / 128
        for _ in 0..<2 {
            for y in 0..<height {
                let row = box(Array(plane[(y * width)..<((y + 1) * width)]), window: rowWindow)
                for x in 0..<width { plane[y * width + x] = row[x] }
            }
            for x in 0..<width {
                let column = box((0..<height).map { plane[$0 * width + x] }, window: columnWindow)
                for y in 0..<height { plane[y * width + x] = column[y] }
            }
        }
        var grid = [Float](repeating: 0, count: 64 * 64)
        for i in 0..<64 {
            let y = Int((Double(i) + 0.5) * Double(height) / 64)
            for j in 0..<64 {
                grid[i * 64 + j] = plane[y * width + Int((Double(j) + 0.5) * Double(width) / 64)]
            }
        }
        return grid
    }

    /// Pillow's resample: horizontal pass, round and clip to 8 bits, vertical pass.
    static func referenceResize(_ pixels: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [UInt8] {
        let rounding = Int32(1 << 21)
        var middle = [UInt8](repeating: 0, count: toWidth * height)
        let across = LanczosResampler.coefficients(input: width, output: toWidth)
        for y in 0..<height {
            for (x, (first, weights)) in across.enumerated() {
                var sum = rounding
                for (k, weight) in weights.enumerated() { sum &+= Int32(pixels[y * width + first + k]) &* Int32(weight) }
                middle[y * toWidth + x] = LanczosResampler.clip(sum)
            }
        }
        var out = [UInt8](repeating: 0, count: toWidth * toHeight)
        let down = LanczosResampler.coefficients(input: height, output: toHeight)
        for (y, (first, weights)) in down.enumerated() {
            for x in 0..<toWidth {
                var sum = rounding
                for (k, weight) in weights.enumerated() { sum &+= Int32(middle[(first + k) * toWidth + x]) &* Int32(weight) }
                out[y * toWidth + x] = LanczosResampler.clip(sum)
            }
        }
        return out
    }
}

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
