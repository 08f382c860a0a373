import Foundation

extension PDQ {
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

    /// The 16×16 DCT block `B = D · A · Dᵀ` of the 64×64 grid `a` (row = vertical frequency),
    /// with sequential Float32 sums.
    static func dct16(_ a: [Float]) -> [Float] {
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
}
