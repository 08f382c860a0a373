/// The running-mean box filter PDQ's tent filter is built from (ALGORITHMS.md §1.1 step 4):
/// a window of `window` values, shrinking at the edges, summed and divided in Float32 in the
/// reference's order. `line` is the scalar form; `lanes` and `columns` do the same operations
/// on eight rows or eight columns at once, so their results are bit-identical to it.
enum BoxFilter {
    /// `line` over `count` SIMD8 values, eight independent sums; `emit(index, mean)` for each
    /// output index where `emitsAt` holds (the mean is formed only there).
    @inline(__always)
    static func lanes(
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
    static func line(
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

    /// `line` down every column at once, walking the plane row by row (cache-friendly) with one
    /// running sum per column: each column sees exactly the additions, subtractions and
    /// divisions `line` would do with `stride: width`, so the result is bit-identical.
    static func columns(
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
}
