import Foundation

/// PDQ perceptual hashing (256 bits + quality), bit-exact with Meta's reference core.
///
/// Float32 throughout with sequential sums, as ALGORITHMS.md §1.1 requires: no SIMD reductions,
/// no fused multiply-add. Pure and thread-safe; usable for video frames as well as photos.
public enum PDQ {
    /// Hashes packed 8-bit pixels: `bands` = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA);
    /// alpha is dropped, not composited. `pixels.count` must be `width * height * bands`.
    public static func hash(pixels: [UInt8], width: Int, height: Int, bands: Int) -> PDQHash {
        hash(luma: luma(pixels: pixels, width: width, height: height, bands: bands), width: width, height: height)
    }

    /// Hashes a luminance plane (row-major, `width * height` values on the 0…255 scale).
    public static func hash(luma: [Float], width: Int, height: Int) -> PDQHash {
        let (coefficients, quality) = dctCoefficients(luma: luma, width: width, height: height)
        guard let coefficients else { return PDQHash(words: [UInt16](repeating: 0, count: 16), quality: 0) }
        return threshold(coefficients, quality: quality)
    }

    /// The eight dihedral variants (original, rot90, rot180, rot270, flipX, flipY, flip+1,
    /// flip−1), derived from the one DCT as the reference `--pdqdih` does.
    public static func dihedralHashes(luma: [Float], width: Int, height: Int) -> [PDQHash] {
        let (coefficients, quality) = dctCoefficients(luma: luma, width: width, height: height)
        guard let b = coefficients else {
            return Array(repeating: PDQHash(words: [UInt16](repeating: 0, count: 16), quality: 0), count: 8)
        }
        func make(_ value: (Int, Int) -> Float) -> PDQHash {
            var out = [Float](repeating: 0, count: 256)
            for i in 0..<16 { for j in 0..<16 { out[i * 16 + j] = value(i, j) } }
            return threshold(out, quality: quality)
        }
        func at(_ i: Int, _ j: Int) -> Float { b[i * 16 + j] }
        return [
            make { i, j in at(i, j) },
            make { i, j in j % 2 == 0 ? -at(j, i) : at(j, i) },  // rot90: transpose, even columns negated
            make { i, j in (i + j) % 2 == 1 ? -at(i, j) : at(i, j) },  // rot180
            make { i, j in i % 2 == 0 ? -at(j, i) : at(j, i) },  // rot270: transpose, even rows negated
            make { i, j in i % 2 == 0 ? -at(i, j) : at(i, j) },  // flipX
            make { i, j in j % 2 == 0 ? -at(i, j) : at(i, j) },  // flipY
            make { i, j in at(j, i) },  // flip+1: transpose
            make { i, j in (i + j) % 2 == 1 ? -at(j, i) : at(j, i) },  // flip−1
        ]
    }

    /// BT.601 luma in Float32, `(0.299·R + 0.587·G) + 0.114·B`; grey is used as-is.
    public static func luma(pixels: [UInt8], width: Int, height: Int, bands: Int) -> [Float] {
        pixels.withUnsafeBufferPointer { luma(pixels: $0, width: width, height: height, bands: bands) }
    }

    /// As `luma(pixels:…)`, reading pixels in place (e.g. a rendition held by libvips).
    static func luma(pixels px: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bands: Int) -> [Float] {
        precondition(px.count == width * height * bands, "pixel buffer size mismatch")
        return [Float](unsafeUninitializedCapacity: width * height) { out, initialised in
            if bands < 3 {
                for p in 0..<(width * height) { out[p] = Float(px[p * bands]) }
            } else {
                for p in 0..<(width * height) {
                    let r = Float(px[p * bands]), g = Float(px[p * bands + 1]), b = Float(px[p * bands + 2])
                    let rg: Float = 0.299 * r + 0.587 * g
                    out[p] = rg + 0.114 * b
                }
            }
            initialised = width * height
        }
    }

    // MARK: - Core

    /// The 16×16 DCT block (row = vertical frequency) and the quality; nil for tiny inputs.
    private static func dctCoefficients(luma: [Float], width: Int, height: Int) -> ([Float]?, Int) {
        precondition(luma.count == width * height, "luma plane size mismatch")
        guard width >= 5, height >= 5 else { return (nil, 0) }
        let grid: [Float]
        if width == 64 && height == 64 {
            grid = luma
        } else {
            // Two planes, used uninitialised (every pass writes all of its output); the first
            // pass reads the luma plane itself rather than a copy.
            let a = UnsafeMutableBufferPointer<Float>.allocate(capacity: luma.count)
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: luma.count)
            let sums = UnsafeMutableBufferPointer<Float>.allocate(capacity: width)
            defer {
                a.deallocate()
                b.deallocate()
                sums.deallocate()
            }
            let windowAlongRows = (width + 127) / 128
            let windowAlongCols = (height + 127) / 128
            luma.withUnsafeBufferPointer { luma in
                for pass in 0..<2 {
                    let input = pass == 0 ? luma : UnsafeBufferPointer(a)
                    let grouped = height / 8 * 8
                    for row in stride(from: 0, to: grouped, by: 8) {
                        boxEightRows(input, into: b, start: row * width, width: width, window: windowAlongRows)
                    }
                    for row in grouped..<height {
                        box(input, into: b, start: row * width, count: width, stride: 1, window: windowAlongRows)
                    }
                    boxColumns(UnsafeBufferPointer(b), into: a, width: width, height: height, window: windowAlongCols, sums: sums)
                }
            }
            grid = decimate(UnsafeBufferPointer(a), width: width, height: height)
        }
        return (dct16(grid), quality(grid))
    }

    /// One box-filter pass with a running Float32 sum, the window shrinking at the edges.
    private static func box(
        _ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
        start: Int, count: Int, stride: Int, window: Int
    ) {
        let half = (window + 2) / 2
        var sum: Float = 0
        var size = 0
        var right = start, left = start, out = start
        for _ in 0..<(half - 1) {
            sum += input[right]; size += 1; right += stride
        }
        for _ in 0..<(window - half + 1) {
            sum += input[right]; size += 1
            output[out] = sum / Float(size)
            right += stride; out += stride
        }
        for _ in 0..<max(0, count - window) {
            sum += input[right]
            sum -= input[left]
            output[out] = sum / Float(size)
            left += stride; right += stride; out += stride
        }
        for _ in 0..<(half - 1) {
            sum -= input[left]; size -= 1
            output[out] = sum / Float(size)
            left += stride; out += stride
        }
    }

    /// `box` along eight consecutive rows at once, one SIMD lane per row: the same Float32
    /// operations in the same order as eight `box` calls (bit-identical), but eight independent
    /// running sums instead of one serial chain.
    private static func boxEightRows(
        _ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
        start: Int, width: Int, window: Int
    ) {
        let half = (window + 2) / 2
        @inline(__always) func load(_ column: Int) -> SIMD8<Float> {
            let at = start + column
            return SIMD8(
                input[at], input[at + width], input[at + 2 * width], input[at + 3 * width],
                input[at + 4 * width], input[at + 5 * width], input[at + 6 * width], input[at + 7 * width])
        }
        @inline(__always) func store(_ value: SIMD8<Float>, _ column: Int) {
            let at = start + column
            for lane in 0..<8 { output[at + lane * width] = value[lane] }
        }
        var sum = SIMD8<Float>(repeating: 0)
        var size = 0
        var right = 0, left = 0, out = 0
        for _ in 0..<(half - 1) {
            sum += load(right); size += 1; right += 1
        }
        for _ in 0..<(window - half + 1) {
            sum += load(right); size += 1
            store(sum / SIMD8(repeating: Float(size)), out)
            right += 1; out += 1
        }
        for _ in 0..<max(0, width - window) {
            sum += load(right)
            sum -= load(left)
            store(sum / SIMD8(repeating: Float(size)), out)
            left += 1; right += 1; out += 1
        }
        for _ in 0..<(half - 1) {
            sum -= load(left); size -= 1
            store(sum / SIMD8(repeating: Float(size)), out)
            left += 1; out += 1
        }
    }

    /// `box` down every column at once, walking the plane row by row (cache-friendly) with one
    /// running sum per column: each column sees exactly the additions, subtractions and
    /// divisions `box` would do with `stride: width`, so the result is bit-identical.
    private static func boxColumns(
        _ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
        width: Int, height: Int, window: Int, sums: UnsafeMutableBufferPointer<Float>
    ) {
        let half = (window + 2) / 2
        for x in 0..<width { sums[x] = 0 }
        var size = 0
        var right = 0, left = 0, out = 0
        // Eight columns per SIMD step, the rest one by one: lane-wise the same operations.
        let vectorWidth = width / 8 * 8
        let sumBase = UnsafeMutableRawPointer(sums.baseAddress!)
        let inBase = UnsafeRawPointer(input.baseAddress!)
        let outBase = UnsafeMutableRawPointer(output.baseAddress!)
        let stride = MemoryLayout<Float>.stride
        @inline(__always) func add(_ row: Int) {
            let base = row * width
            var x = 0
            while x < vectorWidth {
                let sum = sumBase.loadUnaligned(fromByteOffset: x * stride, as: SIMD8<Float>.self)
                let value = inBase.loadUnaligned(fromByteOffset: (base + x) * stride, as: SIMD8<Float>.self)
                sumBase.storeBytes(of: sum + value, toByteOffset: x * stride, as: SIMD8<Float>.self)
                x += 8
            }
            while x < width { sums[x] += input[base + x]; x += 1 }
        }
        @inline(__always) func subtract(_ row: Int) {
            let base = row * width
            var x = 0
            while x < vectorWidth {
                let sum = sumBase.loadUnaligned(fromByteOffset: x * stride, as: SIMD8<Float>.self)
                let value = inBase.loadUnaligned(fromByteOffset: (base + x) * stride, as: SIMD8<Float>.self)
                sumBase.storeBytes(of: sum - value, toByteOffset: x * stride, as: SIMD8<Float>.self)
                x += 8
            }
            while x < width { sums[x] -= input[base + x]; x += 1 }
        }
        @inline(__always) func emit(_ row: Int, _ size: Int) {
            let base = row * width, divisor = Float(size)
            let divisors = SIMD8<Float>(repeating: divisor)
            var x = 0
            while x < vectorWidth {
                let sum = sumBase.loadUnaligned(fromByteOffset: x * stride, as: SIMD8<Float>.self)
                outBase.storeBytes(of: sum / divisors, toByteOffset: (base + x) * stride, as: SIMD8<Float>.self)
                x += 8
            }
            while x < width { output[base + x] = sums[x] / divisor; x += 1 }
        }
        for _ in 0..<(half - 1) {
            add(right); size += 1; right += 1
        }
        for _ in 0..<(window - half + 1) {
            add(right); size += 1
            emit(out, size)
            right += 1; out += 1
        }
        for _ in 0..<max(0, height - window) {
            add(right)
            subtract(left)
            emit(out, size)
            left += 1; right += 1; out += 1
        }
        for _ in 0..<(half - 1) {
            subtract(left); size -= 1
            emit(out, size)
            left += 1; out += 1
        }
    }

    /// Point-samples the filtered plane at 64×64 cell centres.
    private static func decimate(_ plane: UnsafeBufferPointer<Float>, width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: 64 * 64)
        for i in 0..<64 {
            let y = Int((Double(i) + 0.5) * Double(height) / 64)
            for j in 0..<64 {
                let x = Int((Double(j) + 0.5) * Double(width) / 64)
                out[i * 64 + j] = plane[y * width + x]
            }
        }
        return out
    }

    /// Gradient sum over neighbouring cells, scaled to 0…100.
    private static func quality(_ grid: [Float]) -> Int {
        var sum = 0
        for i in 0..<63 {
            for j in 0..<64 {
                let d: Float = ((grid[i * 64 + j] - grid[(i + 1) * 64 + j]) * 100) / 255
                sum += abs(Int(d))
            }
        }
        for i in 0..<64 {
            for j in 0..<63 {
                let d: Float = ((grid[i * 64 + j] - grid[i * 64 + j + 1]) * 100) / 255
                sum += abs(Int(d))
            }
        }
        return min(100, sum / 90)
    }

    /// Rows 1…16 of the 64-point DCT basis (the DC row is skipped), Float32.
    private static let basis: [Float] = {
        let scale = Double(Float((2.0 / 64.0).squareRoot()))
        var d = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                d[i * 64 + j] = Float(scale * cos(Double.pi / 2 / 64 * Double(i + 1) * Double(2 * j + 1)))
            }
        }
        return d
    }()

    /// `B = D · A · Dᵀ` with sequential Float32 sums.
    private static func dct16(_ a: [Float]) -> [Float] {
        let d = basis
        var t = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                var sum: Float = 0
                for k in 0..<64 { sum += d[i * 64 + k] * a[k * 64 + j] }
                t[i * 64 + j] = sum
            }
        }
        var b = [Float](repeating: 0, count: 256)
        for i in 0..<16 {
            for j in 0..<16 {
                var sum: Float = 0
                for k in 0..<64 { sum += t[i * 64 + k] * d[j * 64 + k] }
                b[i * 16 + j] = sum
            }
        }
        return b
    }

    /// Bit k set when coefficient k is above the lower median (the 128th smallest).
    private static func threshold(_ b: [Float], quality: Int) -> PDQHash {
        let median = b.sorted()[127]
        var words = [UInt16](repeating: 0, count: 16)
        for k in 0..<256 where b[k] > median {
            words[k >> 4] |= UInt16(1) << UInt16(k & 15)
        }
        return PDQHash(words: words, quality: quality)
    }
}
