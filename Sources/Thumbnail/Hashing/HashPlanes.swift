/// The single-channel planes the perceptual hashes start from, made in one pass over packed
/// 8-bit pixels: PDQ's Float32 BT.601 luma `(0.299·R + 0.587·G) + 0.114·B` and Pillow's "L"
/// conversion `(19595·R + 38470·G + 7471·B + 2^15) >> 16` that imagehash's pHash uses. Grey
/// input (1 or 2 bands) is taken as it is; alpha is ignored.
enum HashPlanes {
    /// Writes `count` pixels' luma and/or grey values (either may be nil).
    ///
    /// Eight RGB(A) pixels at a time: each pixel is read as one little-endian 32-bit word
    /// (its three channels plus the next byte, masked off), and the arithmetic runs in SIMD8
    /// lanes: per lane the same Float32 multiplications and additions in the same order as
    /// the scalar formula, and exact integer arithmetic, so the planes are bit-identical.
    static func fill(
        _ pixels: UnsafeBufferPointer<UInt8>, bands: Int, count: Int,
        luma: UnsafeMutablePointer<Float>?, grey: UnsafeMutablePointer<UInt8>?
    ) {
        precondition(pixels.count >= count * bands, "pixel buffer size mismatch")
        guard count > 0 else { return }
        if bands < 3 {
            for p in 0..<count {
                let value = pixels[p &* bands]
                luma?[p] = Float(value)
                grey?[p] = value
            }
            return
        }
        let raw = UnsafeRawPointer(pixels.baseAddress!)
        var p = 0
        // Whole groups whose last 32-bit read stays inside the buffer.
        let vectorised = max(0, min(count, (pixels.count - 4) / bands + 1)) / 8 * 8
        while p < vectorised {
            let at = p &* bands
            @inline(__always) func word(_ k: Int) -> UInt32 {
                raw.loadUnaligned(fromByteOffset: at &+ k &* bands, as: UInt32.self)
            }
            let words = SIMD8<UInt32>(word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7))
            let red = SIMD8<Int32>(truncatingIfNeeded: words & 0xFF)
            let green = SIMD8<Int32>(truncatingIfNeeded: (words &>> 8) & 0xFF)
            let blue = SIMD8<Int32>(truncatingIfNeeded: (words &>> 16) & 0xFF)
            if let grey {
                let value = (19595 &* red &+ 38470 &* green &+ 7471 &* blue &+ 0x8000) &>> 16
                UnsafeMutableRawPointer(grey + p).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: value), as: SIMD8<UInt8>.self)
            }
            if let luma {
                let rg: SIMD8<Float> = 0.299 * SIMD8<Float>(red) + 0.587 * SIMD8<Float>(green)
                let value: SIMD8<Float> = rg + 0.114 * SIMD8<Float>(blue)
                UnsafeMutableRawPointer(luma + p).storeBytes(of: value, as: SIMD8<Float>.self)
            }
            p &+= 8
        }
        while p < count {
            let at = p &* bands
            let r = pixels[at], g = pixels[at &+ 1], b = pixels[at &+ 2]
            if let grey {
                let sum = 19595 &* Int32(r) &+ 38470 &* Int32(g) &+ 7471 &* Int32(b) &+ 0x8000
                grey[p] = UInt8(truncatingIfNeeded: sum &>> 16)
            }
            if let luma {
                let rg: Float = 0.299 * Float(r) + 0.587 * Float(g)
                luma[p] = rg + 0.114 * Float(b)
            }
            p &+= 1
        }
    }
}
