/// Eight SIMD8 vectors: an 8×8 block of a plane, transposed in registers.
struct Block8 {
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
