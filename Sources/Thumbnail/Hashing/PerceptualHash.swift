import Foundation

/// The 64-bit DCT perceptual hash as computed by imagehash 4.3.2 `phash` with Pillow
/// (ALGORITHMS.md §1.3): Pillow's fixed-point luma and LANCZOS resize to 32×32, an
/// unnormalised DCT-II on both axes, the top-left 8×8 (DC included) against its median.
public enum PerceptualHash {
    /// Hashes packed 8-bit pixels (`bands` 1…4; alpha ignored). Returns 16 lowercase hex digits.
    public static func hash(pixels: [UInt8], width: Int, height: Int, bands: Int) -> String {
        pixels.withUnsafeBufferPointer { hash(pixels: $0, width: width, height: height, bands: bands) }
    }

    /// As `hash(pixels:…)`, reading pixels in place (e.g. a rendition held by libvips).
    static func hash(pixels px: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bands: Int) -> String {
        precondition(px.count == width * height * bands, "pixel buffer size mismatch")
        let grey = [UInt8](unsafeUninitializedCapacity: width * height) { grey, initialised in
            for p in 0..<(width * height) {
                if bands < 3 {
                    grey[p] = px[p * bands]
                } else {
                    let r = Int32(px[p * bands]), g = Int32(px[p * bands + 1]), b = Int32(px[p * bands + 2])
                    grey[p] = UInt8(truncatingIfNeeded: (19595 &* r &+ 38470 &* g &+ 7471 &* b &+ 0x8000) >> 16)
                }
            }
            initialised = width * height
        }
        let small = LanczosResampler.resize(grey, width: width, height: height, toWidth: 32, toHeight: 32)
        var values = small.map(Double.init)
        values = dct(values, rows: 32, cols: 32, alongRows: false)
        values = dct(values, rows: 32, cols: 32, alongRows: true)
        var low = [Double]()
        for y in 0..<8 { for x in 0..<8 { low.append(values[y * 32 + x]) } }
        let sorted = low.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        var bits: UInt64 = 0
        for value in low { bits = bits << 1 | (value > median ? 1 : 0) }
        let text = String(bits, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// Hamming distance between two 16-hex-digit hashes; nil when either is malformed.
    public static func distance(_ a: String, _ b: String) -> Int? {
        guard let x = UInt64(a, radix: 16), let y = UInt64(b, radix: 16) else { return nil }
        return (x ^ y).nonzeroBitCount
    }

    /// `X[k] = 2·Σ x[n]·cos(π·k·(2n+1)/(2N))` along columns (`alongRows` false: axis 0) or rows.
    private static func dct(_ input: [Double], rows: Int, cols: Int, alongRows: Bool) -> [Double] {
        let n = alongRows ? cols : rows
        var table = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            for i in 0..<n { table[k * n + i] = cos(Double.pi * Double(k) * Double(2 * i + 1) / Double(2 * n)) }
        }
        var out = [Double](repeating: 0, count: input.count)
        for r in 0..<rows {
            for c in 0..<cols {
                var sum = 0.0
                if alongRows {
                    for i in 0..<cols { sum += input[r * cols + i] * table[c * n + i] }
                } else {
                    for i in 0..<rows { sum += input[i * cols + c] * table[r * n + i] }
                }
                out[r * cols + c] = 2 * sum
            }
        }
        return out
    }
}
