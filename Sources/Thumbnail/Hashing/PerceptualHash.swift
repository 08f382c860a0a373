import Foundation

/// The 64-bit DCT perceptual hash as computed by imagehash 4.3.2 `phash` with Pillow
/// (ALGORITHMS.md §1.3): Pillow's fixed-point luma and LANCZOS resize to 32×32, an
/// unnormalised DCT-II on both axes, the top-left 8×8 (DC included) against its median.
public enum PerceptualHash {
    /// Hashes a grey plane (Pillow's "L" values, see `HashPlanes`); `ImageHashes` makes the
    /// plane from pixels.
    static func hash(grey: UnsafeBufferPointer<UInt8>, width: Int, height: Int) -> String {
        precondition(grey.count == width * height, "grey plane size mismatch")
        let small = LanczosResampler.resize(grey, width: width, height: height, toWidth: 32, toHeight: 32)
        var values = small.map(Double.init)
        values = dct(values, alongRows: false)
        values = dct(values, alongRows: true)
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

    /// `cos(π·k·(2i+1)/64)` at `[k * 32 + i]`.
    private static let cosines: [Double] = (0..<32 * 32).map { index in
        let k = index / 32, i = index % 32
        return cos(Double.pi * Double(k) * Double(2 * i + 1) / Double(2 * 32))
    }

    /// `X[k] = 2·Σ x[n]·cos(π·k·(2n+1)/(2N))` on a 32×32 block, along columns (`alongRows`
    /// false: axis 0) or rows.
    private static func dct(_ input: [Double], alongRows: Bool) -> [Double] {
        let n = 32
        let table = cosines
        var out = [Double](repeating: 0, count: input.count)
        for r in 0..<n {
            for c in 0..<n {
                var sum = 0.0
                if alongRows {
                    for i in 0..<n { sum += input[r * n + i] * table[c * n + i] }
                } else {
                    for i in 0..<n { sum += input[i * n + c] * table[r * n + i] }
                }
                out[r * n + c] = 2 * sum
            }
        }
        return out
    }
}
