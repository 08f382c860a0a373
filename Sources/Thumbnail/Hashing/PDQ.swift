import Foundation
import Synchronization

/// PDQ perceptual hashing (256 bits + quality), bit-exact with Meta's reference core.
///
/// Float32 throughout with sequential sums, as ALGORITHMS.md §1.1 requires: no SIMD reductions,
/// no fused multiply-add. Pure and thread-safe; usable for video frames as well as photos.
public enum PDQ {
    /// Hashes packed 8-bit pixels: `bands` = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA);
    /// alpha is dropped, not composited. `pixels.count` must be `width * height * bands`. The
    /// luma plane goes into reused scratch memory (`Workspace`), not a new array.
    public static func hash(pixels: [UInt8], width: Int, height: Int, bands: Int) -> PDQHash {
        precondition(pixels.count == width * height * bands, "pixel buffer size mismatch")
        return Workspace.borrow(width: width, height: height) { workspace in
            pixels.withUnsafeBufferPointer {
                HashPlanes.fill($0, bands: bands, count: width * height, luma: workspace.luma, grey: nil)
            }
            let (coefficients, quality) = dctCoefficients(
                luma: UnsafeBufferPointer(start: workspace.luma, count: width * height), width: width, height: height,
                workspace: workspace)
            return single(coefficients, quality: quality)
        }
    }

    /// Hashes a luminance plane (row-major, `width * height` values on the 0…255 scale).
    public static func hash(luma: [Float], width: Int, height: Int) -> PDQHash {
        let (coefficients, quality) = dctCoefficients(luma: luma, width: width, height: height)
        return single(coefficients, quality: quality)
    }

    private static func single(_ coefficients: [Float]?, quality: Int) -> PDQHash {
        guard let coefficients else { return PDQHash(words: [UInt16](repeating: 0, count: 16), quality: 0) }
        return threshold(coefficients, quality: quality)
    }

    /// The eight dihedral variants (original, rot90, rot180, rot270, flipX, flipY, flip+1,
    /// flip−1), derived from the one DCT as the reference `--pdqdih` does.
    public static func dihedralHashes(luma: [Float], width: Int, height: Int) -> [PDQHash] {
        let (coefficients, quality) = dctCoefficients(luma: luma, width: width, height: height)
        return dihedral(coefficients, quality: quality)
    }

    private static func dihedral(_ coefficients: [Float]?, quality: Int) -> [PDQHash] {
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
        precondition(pixels.count == width * height * bands, "pixel buffer size mismatch")
        return [Float](unsafeUninitializedCapacity: width * height) { out, initialised in
            pixels.withUnsafeBufferPointer {
                HashPlanes.fill($0, bands: bands, count: width * height, luma: out.baseAddress!, grey: nil)
            }
            initialised = width * height
        }
    }

    /// PDQ and its dihedral variants of the luma plane in `workspace.luma` (e.g. filled by
    /// `HashPlanes.fill`); the plane is used as scratch memory afterwards.
    static func dihedralHashes(lumaIn workspace: Workspace, width: Int, height: Int) -> [PDQHash] {
        let (coefficients, quality) = dctCoefficients(
            luma: UnsafeBufferPointer(start: workspace.luma, count: width * height), width: width, height: height,
            workspace: workspace)
        return dihedral(coefficients, quality: quality)
    }

    // MARK: - Core

    /// The 16×16 DCT block (row = vertical frequency) and the quality; nil for tiny inputs.
    private static func dctCoefficients(luma: [Float], width: Int, height: Int) -> ([Float]?, Int) {
        guard let grid = grid(luma: luma, width: width, height: height) else { return (nil, 0) }
        return (dct16(grid), quality(grid))
    }

    private static func dctCoefficients(
        luma: UnsafeBufferPointer<Float>, width: Int, height: Int, workspace: Workspace
    ) -> ([Float]?, Int) {
        guard let grid = grid(luma: luma, width: width, height: height, workspace: workspace) else { return (nil, 0) }
        return (dct16(grid), quality(grid))
    }

    /// The 64×64 samples of the tent-filtered luma plane; nil below 5×5.
    static func grid(luma: [Float], width: Int, height: Int) -> [Float]? {
        precondition(luma.count == width * height, "luma plane size mismatch")
        return Workspace.borrow(width: width, height: height) { workspace in
            luma.withUnsafeBufferPointer { grid(luma: $0, width: width, height: height, workspace: workspace) }
        }
    }

    /// The tent filter (box rows, box columns, box rows, box columns), sampled at the 64×64
    /// cell centres. Only what the samples depend on is computed: the last row pass keeps its
    /// running sums everywhere but divides and stores at the 64 sampled columns only, and the
    /// last column pass runs down those 64 columns alone. Every value sampled is the Float32
    /// the reference's four full passes give (the same additions, subtractions and divisions
    /// in the same order). `luma` may be `workspace.luma`, which is overwritten.
    private static func grid(
        luma: UnsafeBufferPointer<Float>, width: Int, height: Int, workspace: Workspace
    ) -> [Float]? {
        guard width >= 5, height >= 5 else { return nil }
        if width == 64 && height == 64 { return Array(luma) }
        let windowAlongRows = (width + 127) / 128
        let windowAlongCols = (height + 127) / 128
        let sampleColumns = (0..<64).map { Int((Double($0) + 0.5) * Double(width) / 64) }
        let sampleRows = (0..<64).map { Int((Double($0) + 0.5) * Double(height) / 64) }
        let plane = workspace.plane
        let filtered = workspace.luma  // free once the first row pass has read the luma
        // Pass 1, rows: luma → plane. Pass 2, columns: plane → filtered.
        boxRows(luma, into: .plane(plane), width: width, height: height, window: windowAlongRows, workspace: workspace)
        boxColumns(
            UnsafeBufferPointer(start: plane, count: width * height),
            into: UnsafeMutableBufferPointer(start: filtered, count: width * height),
            width: width, height: height, window: windowAlongCols,
            sums: UnsafeMutableBufferPointer(start: workspace.sums, count: width))
        // Pass 3, rows, kept at the sampled columns only: sampled[j * height + y].
        let sampled = workspace.sampled
        boxRows(
            UnsafeBufferPointer(start: filtered, count: width * height), into: .columns(sampleColumns, sampled),
            width: width, height: height, window: windowAlongRows, workspace: workspace)
        // Pass 4, columns: down each sampled column, read at the sampled rows.
        var grid = [Float](repeating: 0, count: 64 * 64)
        let column = UnsafeMutableBufferPointer(start: workspace.line, count: height)
        for j in 0..<64 {
            box(
                UnsafeBufferPointer(start: sampled + j * height, count: height), into: column, start: 0, count: height,
                stride: 1, window: windowAlongCols)
            for i in 0..<64 { grid[i * 64 + j] = column[sampleRows[i]] }
        }
        return grid
    }

    /// Where a row pass puts its output: the whole plane, or only the listed columns, each
    /// column's values contiguous (`base[j * height + y]`).
    private enum RowOutput {
        case plane(UnsafeMutablePointer<Float>)
        case columns([Int], UnsafeMutablePointer<Float>)
    }

    /// `box` along every row. Eight rows go at once: their values are transposed into one
    /// SIMD8 per column (8×8 blocks through shuffles), run through eight independent running
    /// sums as one, and transposed back. Lane-wise these are `box`'s operations, so the result
    /// is bit-identical; the rows left over at the bottom go through `box` itself.
    private static func boxRows(
        _ input: UnsafeBufferPointer<Float>, into output: RowOutput, width: Int, height: Int, window: Int,
        workspace: Workspace
    ) {
        let lanes = workspace.lanes, results = workspace.results
        let inBase = UnsafeRawPointer(input.baseAddress!)
        let blocked = width / 8 * 8
        let stride = MemoryLayout<Float>.stride
        for top in Swift.stride(from: 0, to: height / 8 * 8, by: 8) {
            // Rows top…top+7 → lanes[x] = (row top at x, row top+1 at x, …).
            var x = 0
            while x < blocked {
                var block = Block8 { r in
                    inBase.loadUnaligned(fromByteOffset: ((top + r) * width + x) * stride, as: SIMD8<Float>.self)
                }
                block.transpose()
                block.store(to: lanes + x)
                x += 8
            }
            while x < width {
                var value = SIMD8<Float>()
                for r in 0..<8 { value[r] = input[(top + r) * width + x] }
                lanes[x] = value
                x += 1
            }
            switch output {
            case .plane(let plane):
                boxLanes(lanes, count: width, window: window) { at, value in results[at] = value }
                let outBase = UnsafeMutableRawPointer(plane)
                x = 0
                while x < blocked {
                    var block = Block8 { c in results[x + c] }
                    block.transpose()
                    block.forEach { r, row in
                        outBase.storeBytes(of: row, toByteOffset: ((top + r) * width + x) * stride, as: SIMD8<Float>.self)
                    }
                    x += 8
                }
                while x < width {
                    for r in 0..<8 { plane[(top + r) * width + x] = results[x][r] }
                    x += 1
                }
            case .columns(let columns, let base):
                // Divide and store only where a sample will be read: `next` is the first sample
                // not yet stored (columns ascend; narrow images repeat some).
                var next = 0
                boxLanes(lanes, count: width, window: window, emitsAt: { next < columns.count && columns[next] == $0 }) {
                    at, value in
                    while next < columns.count && columns[next] == at {
                        UnsafeMutableRawPointer(base + next * height + top).storeBytes(of: value, as: SIMD8<Float>.self)
                        next += 1
                    }
                }
            }
        }
        let line = UnsafeMutableBufferPointer(start: workspace.line, count: width)
        for row in height / 8 * 8..<height {
            switch output {
            case .plane(let plane):
                box(input, into: UnsafeMutableBufferPointer(start: plane, count: width * height), start: row * width,
                    count: width, stride: 1, window: window)
            case .columns(let columns, let base):
                box(UnsafeBufferPointer(start: input.baseAddress! + row * width, count: width), into: line, start: 0,
                    count: width, stride: 1, window: window)
                for (j, x) in columns.enumerated() { base[j * height + row] = line[x] }
            }
        }
    }

    /// Eight SIMD8 vectors: an 8×8 block of a plane, transposed in registers.
    private struct Block8 {
        var v0, v1, v2, v3, v4, v5, v6, v7: SIMD8<Float>

        @inline(__always)
        init(_ make: (Int) -> SIMD8<Float>) {
            (v0, v1, v2, v3) = (make(0), make(1), make(2), make(3))
            (v4, v5, v6, v7) = (make(4), make(5), make(6), make(7))
        }

        /// Rows become columns: three rounds of even/odd interleaving (shuffles).
        @inline(__always)
        mutating func transpose() {
            for _ in 0..<3 {
                let (n0, n4) = Self.split(v0, v1), (n1, n5) = Self.split(v2, v3)
                let (n2, n6) = Self.split(v4, v5), (n3, n7) = Self.split(v6, v7)
                (v0, v1, v2, v3, v4, v5, v6, v7) = (n0, n1, n2, n3, n4, n5, n6, n7)
            }
        }

        @inline(__always)
        private static func split(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
            let pair = SIMD16<Float>(lowHalf: a, highHalf: b)
            return (pair.evenHalf, pair.oddHalf)
        }

        @inline(__always)
        func store(to target: UnsafeMutablePointer<SIMD8<Float>>) {
            (target[0], target[1], target[2], target[3]) = (v0, v1, v2, v3)
            (target[4], target[5], target[6], target[7]) = (v4, v5, v6, v7)
        }

        @inline(__always)
        func forEach(_ body: (Int, SIMD8<Float>) -> Void) {
            body(0, v0); body(1, v1); body(2, v2); body(3, v3)
            body(4, v4); body(5, v5); body(6, v6); body(7, v7)
        }
    }

    /// `box` over `count` SIMD8 values, eight independent sums; `emit(index, mean)` for each
    /// output index where `emitsAt` holds (the mean is formed only there).
    @inline(__always)
    private static func boxLanes(
        _ lanes: UnsafeMutablePointer<SIMD8<Float>>, count: Int, window: Int, emitsAt: (Int) -> Bool = { _ in true },
        emit: (Int, SIMD8<Float>) -> Void
    ) {
        let half = (window + 2) / 2
        var sum = SIMD8<Float>(repeating: 0)
        var size = 0
        var right = 0, left = 0, out = 0
        @inline(__always) func put() {
            if emitsAt(out) { emit(out, sum / SIMD8(repeating: Float(size))) }
        }
        for _ in 0..<(half - 1) {
            sum += lanes[right]; size += 1; right += 1
        }
        for _ in 0..<(window - half + 1) {
            sum += lanes[right]; size += 1
            put()
            right += 1; out += 1
        }
        for _ in 0..<max(0, count - window) {
            sum += lanes[right]
            sum -= lanes[left]
            put()
            left += 1; right += 1; out += 1
        }
        for _ in 0..<(half - 1) {
            sum -= lanes[left]; size -= 1
            put()
            left += 1; out += 1
        }
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

    // MARK: - Scratch memory

    /// The planes and lines one hash needs, kept for the next hash on any thread: a fresh
    /// plane-sized allocation per hash is mapped anew and costs a page fault per 4 KiB.
    final class Workspace: @unchecked Sendable {
        /// Workspaces larger than this many plane elements are freed after use, not kept.
        static let keptPlaneLimit = 2_600_000
        private static let idle = Mutex<[Workspace]>([])

        private(set) var planeCapacity = 0
        private(set) var lineCapacity = 0
        private(set) var luma: UnsafeMutablePointer<Float>
        /// A byte plane for pHash's grey values.
        private(set) var grey: UnsafeMutablePointer<UInt8>
        private(set) var plane: UnsafeMutablePointer<Float>
        private(set) var sampled: UnsafeMutablePointer<Float>
        private(set) var line: UnsafeMutablePointer<Float>
        private(set) var sums: UnsafeMutablePointer<Float>
        private(set) var lanes: UnsafeMutablePointer<SIMD8<Float>>
        private(set) var results: UnsafeMutablePointer<SIMD8<Float>>

        private init() {
            luma = .allocate(capacity: 1)
            grey = .allocate(capacity: 1)
            plane = .allocate(capacity: 1)
            sampled = .allocate(capacity: 1)
            line = .allocate(capacity: 1)
            sums = .allocate(capacity: 1)
            lanes = .allocate(capacity: 1)
            results = .allocate(capacity: 1)
        }

        deinit {
            for pointer in [luma, plane, sampled, line, sums] { pointer.deallocate() }
            grey.deallocate()
            lanes.deallocate()
            results.deallocate()
        }

        private func reserve(width: Int, height: Int) {
            let elements = width * height
            if elements > planeCapacity {
                luma.deallocate()
                plane.deallocate()
                grey.deallocate()
                luma = .allocate(capacity: elements)
                plane = .allocate(capacity: elements)
                grey = .allocate(capacity: elements)
                planeCapacity = elements
            }
            let longest = max(width, height)
            if longest > lineCapacity {
                for pointer in [sampled, line, sums] { pointer.deallocate() }
                lanes.deallocate()
                results.deallocate()
                sampled = .allocate(capacity: 64 * longest)
                line = .allocate(capacity: longest)
                sums = .allocate(capacity: longest)
                lanes = .allocate(capacity: longest)
                results = .allocate(capacity: longest)
                lineCapacity = longest
            }
        }

        /// Runs `body` with a workspace big enough for a `width`×`height` plane.
        static func borrow<Result, Failure: Error>(
            width: Int, height: Int, _ body: (Workspace) throws(Failure) -> Result
        ) throws(Failure) -> Result {
            let workspace = idle.withLock { $0.popLast() } ?? Workspace()
            workspace.reserve(width: width, height: height)
            defer {
                if workspace.planeCapacity <= keptPlaneLimit { idle.withLock { $0.append(workspace) } }
            }
            return try body(workspace)
        }
    }
}
