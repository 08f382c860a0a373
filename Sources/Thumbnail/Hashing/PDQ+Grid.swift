extension PDQ {
    /// The tent filter (box rows, box columns, box rows, box columns), sampled at the 64×64
    /// cell centres. Only what the samples depend on is computed: the last row pass keeps its
    /// running sums everywhere but divides and stores at the 64 sampled columns only, and the
    /// last column pass runs down those 64 columns alone. Every value sampled is the Float32
    /// the reference's four full passes give (the same additions, subtractions and divisions
    /// in the same order). `luma` may be `workspace.luma`, which is overwritten.
    static func grid(
        luma: UnsafeBufferPointer<Float>, width: Int, height: Int, workspace: PDQWorkspace
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
        BoxFilter.columns(
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
            BoxFilter.line(
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

    /// `BoxFilter.line` along every row. Eight rows go at once: their values are transposed into one
    /// SIMD8 per column (8×8 blocks through shuffles), run through eight independent running
    /// sums as one (`BoxFilter.lanes`), and transposed back: lane-wise the same operations, so the result
    /// is bit-identical; the rows left over at the bottom go through `BoxFilter.line` itself.
    private static func boxRows(
        _ input: UnsafeBufferPointer<Float>, into output: RowOutput, width: Int, height: Int, window: Int,
        workspace: PDQWorkspace
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
                BoxFilter.lanes(lanes, count: width, window: window) { at, value in results[at] = value }
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
                BoxFilter.lanes(lanes, count: width, window: window, emitsAt: { next < columns.count && columns[next] == $0 }) {
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
                BoxFilter.line(input, into: UnsafeMutableBufferPointer(start: plane, count: width * height), start: row * width,
                    count: width, stride: 1, window: window)
            case .columns(let columns, let base):
                BoxFilter.line(UnsafeBufferPointer(start: input.baseAddress! + row * width, count: width), into: line, start: 0,
                    count: width, stride: 1, window: window)
                for (j, x) in columns.enumerated() { base[j * height + row] = line[x] }
            }
        }
    }
}
