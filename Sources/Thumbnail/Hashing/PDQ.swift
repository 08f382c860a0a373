import Foundation

/// PDQ perceptual hashing (256 bits + quality), bit-exact with Meta's reference core.
///
/// Float32 throughout with sequential sums, as ALGORITHMS.md §1.1 requires: no SIMD reductions,
/// no fused multiply-add. Pure and thread-safe; usable for video frames as well as photos.
/// The steps live beside this file: the tent filter (`PDQ+Grid.swift`, `BoxFilter.swift`),
/// the DCT (`PDQ+DCT.swift`) and the reused scratch memory (`PDQWorkspace.swift`).
public enum PDQ {
    /// Hashes packed 8-bit pixels: `bands` = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA);
    /// alpha is dropped, not composited. `pixels.count` must be `width * height * bands`. The
    /// luma plane goes into reused scratch memory (`PDQWorkspace`), not a new array.
    public static func hash(pixels: [UInt8], width: Int, height: Int, bands: Int) -> PDQHash {
        precondition(pixels.count == width * height * bands, "pixel buffer size mismatch")
        return PDQWorkspace.borrow(width: width, height: height) { workspace in
            pixels.withUnsafeBufferPointer {
                HashPlanes.fill($0, bands: bands, count: width * height, luma: workspace.luma, grey: nil)
            }
            guard let grid = lumaGrid(in: workspace, width: width, height: height) else { return unusable }
            return threshold(dct16(grid), quality: quality(grid))
        }
    }

    /// PDQ and its eight dihedral variants (original, rot90, rot180, rot270, flipX, flipY,
    /// flip+1, flip−1) of the luma plane in `workspace.luma` (e.g. filled by `HashPlanes.fill`),
    /// derived from the one DCT as the reference `--pdqdih` does. The plane is used as scratch
    /// memory afterwards.
    static func dihedralHashes(lumaIn workspace: PDQWorkspace, width: Int, height: Int) -> [PDQHash] {
        guard let grid = lumaGrid(in: workspace, width: width, height: height) else {
            return Array(repeating: unusable, count: 8)
        }
        let b = dct16(grid), quality = quality(grid)
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

    /// The hash of an image too small to filter (below 5×5): all zero, quality 0.
    private static let unusable = PDQHash(words: [UInt16](repeating: 0, count: 16), quality: 0)

    private static func lumaGrid(in workspace: PDQWorkspace, width: Int, height: Int) -> [Float]? {
        grid(
            luma: UnsafeBufferPointer(start: workspace.luma, count: width * height), width: width, height: height,
            workspace: workspace)
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
