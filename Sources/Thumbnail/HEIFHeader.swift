/// Reads the image sizes a HEIF/AVIF file declares (`ispe` properties), without libheif.
///
/// libheif refuses canvases over its own security limit with a generic error, so the declared
/// size is read here first and checked against our limits, which then name the right code.
enum HEIFHeader {
    /// The largest `width`×`height` among the file's `ispe` boxes, or nil when none is found.
    static func declaredSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var best: (width: Int, height: Int)?
        // Areas compare saturated: two 32-bit sides can overflow Int, and an overflowing
        // area is larger than any other (it fails the pixel limit either way).
        func area(_ size: (width: Int, height: Int)) -> Int {
            let product = size.width.multipliedReportingOverflow(by: size.height)
            return product.overflow ? Int.max : product.partialValue
        }
        walk(bytes, range: 0..<bytes.count, depth: 0) { width, height in
            if let current = best, area(current) >= area((width, height)) { return }
            best = (width, height)
        }
        return best
    }

    /// Containers on the path `meta` → `iprp` → `ipco` → `ispe`; `meta` is a full box.
    private static let containers: [String: Int] = ["meta": 4, "iprp": 0, "ipco": 0]

    private static func walk(
        _ bytes: [UInt8], range: Range<Int>, depth: Int, found: (Int, Int) -> Void
    ) {
        guard depth < 6 else { return }
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            var size = Int(readUInt32(bytes, offset))
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            var header = 8
            if size == 1 {
                guard offset + 16 <= range.upperBound else { return }
                size = Int(truncatingIfNeeded: UInt64(readUInt32(bytes, offset + 8)) << 32 | UInt64(readUInt32(bytes, offset + 12)))
                header = 16
            } else if size == 0 {
                size = range.upperBound - offset
            }
            // A box's size is the file's claim (up to 2^64 - 1): compared with the bytes left,
            // never added to the offset before it is known to fit.
            guard size >= header, size <= range.upperBound - offset else { return }
            if type == "ispe", size >= header + 12 {
                let width = Int(readUInt32(bytes, offset + header + 4))
                let height = Int(readUInt32(bytes, offset + header + 8))
                found(width, height)
            } else if let skip = containers[type], header + skip <= size {
                walk(bytes, range: (offset + header + skip)..<(offset + size), depth: depth + 1, found: found)
            }
            offset += size
        }
    }

    private static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
