/// Clockwise rotation by a multiple of 90° applied to planar YUV 4:2:0 pixels.
///
/// FFmpeg's libraries do not honour the display matrix (only the CLI does), so rungs rotate
/// their scaled frames here, after scaling, where the frames are smallest.
struct FrameRotation: Equatable, Sendable {
    /// Quarter turns clockwise: 0…3.
    let quarterTurns: Int

    /// From clockwise degrees (any multiple of 90, negative allowed).
    init(clockwiseDegrees: Int) {
        quarterTurns = ((clockwiseDegrees / 90) % 4 + 4) % 4
    }

    var isIdentity: Bool { quarterTurns == 0 }

    /// Whether width and height trade places.
    var swapsDimensions: Bool { quarterTurns % 2 == 1 }

    /// Writes `source` rotated into `destination` (YUV420P, dimensions already swapped if needed).
    func apply(_ source: Frame, into destination: Frame) {
        let width = source.width
        let height = source.height
        for (index, divisor) in [(0, 1), (1, 2), (2, 2)] {
            let (from, fromStride) = source.plane(index)
            let (to, toStride) = destination.plane(index)
            guard let from, let to else { continue }
            rotatePlane(
                UnsafePointer(from), stride: fromStride, width: (width + divisor - 1) / divisor,
                height: (height + divisor - 1) / divisor,
                into: to, stride: toStride)
        }
    }

    /// Rotates one 8-bit plane of `width`×`height` (source orientation) into `destination`.
    ///
    /// Quarter turns move 8×8 blocks: eight rows read as 64-bit words, transposed in
    /// registers (three rounds of masked swaps), and written as eight words of the
    /// destination rows; a half turn reverses each row eight bytes at a time (a byte swap).
    /// Edges that do not fill a block go pixel by pixel.
    func rotatePlane(
        _ source: UnsafePointer<UInt8>, stride sourceStride: Int, width: Int, height: Int,
        into destination: UnsafeMutablePointer<UInt8>, stride destinationStride: Int
    ) {
        let input = UnsafeRawPointer(source)
        let output = UnsafeMutableRawPointer(destination)
        switch quarterTurns {
        case 1, 3:
            let blockRows = height / 8 * 8, blockColumns = width / 8 * 8
            for top in Swift.stride(from: 0, to: blockRows, by: 8) {
                for left in Swift.stride(from: 0, to: blockColumns, by: 8) {
                    var block = ByteBlock { input.loadUnaligned(fromByteOffset: (top + $0) * sourceStride + left, as: UInt64.self) }
                    block.transpose()
                    // Word j is source column left+j, top to bottom (byte k = row top+k).
                    block.forEach { j, column in
                        if quarterTurns == 1 {
                            // Destination row left+j runs bottom to top: reversed bytes.
                            output.storeBytes(
                                of: column.byteSwapped, toByteOffset: (left + j) * destinationStride + height - 8 - top,
                                as: UInt64.self)
                        } else {
                            output.storeBytes(
                                of: column, toByteOffset: (width - 1 - left - j) * destinationStride + top, as: UInt64.self)
                        }
                    }
                }
            }
            for y in 0..<height {
                let firstLeftover = y < blockRows ? blockColumns : 0
                for x in firstLeftover..<width {
                    let value = source[y * sourceStride + x]
                    if quarterTurns == 1 {
                        destination[x * destinationStride + (height - 1 - y)] = value
                    } else {
                        destination[(width - 1 - x) * destinationStride + y] = value
                    }
                }
            }
        case 2:
            let words = width / 8 * 8
            for row in 0..<height {
                let from = (height - 1 - row) * sourceStride, to = row * destinationStride
                var column = 0
                while column < words {
                    let word = input.loadUnaligned(fromByteOffset: from + width - column - 8, as: UInt64.self)
                    output.storeBytes(of: word.byteSwapped, toByteOffset: to + column, as: UInt64.self)
                    column += 8
                }
                while column < width {
                    destination[to + column] = source[from + width - 1 - column]
                    column += 1
                }
            }
        default:
            for row in 0..<height {
                (destination + row * destinationStride).update(from: source + row * sourceStride, count: width)
            }
        }
    }
}

/// An 8×8 block of bytes as eight little-endian 64-bit rows (byte k of row r = column k).
private struct ByteBlock {
    var r0, r1, r2, r3, r4, r5, r6, r7: UInt64

    @inline(__always)
    init(_ row: (Int) -> UInt64) {
        (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        (r4, r5, r6, r7) = (row(4), row(5), row(6), row(7))
    }

    /// Swaps the off-diagonal 4×4 blocks, then 2×2 blocks within them, then single bytes.
    @inline(__always)
    mutating func transpose() {
        @inline(__always) func swap(_ a: inout UInt64, _ b: inout UInt64, _ shift: UInt64, _ mask: UInt64) {
            let (x, y) = (a, b)
            a = (x & mask) | ((y & mask) << shift)
            b = ((x >> shift) & mask) | (y & ~mask)
        }
        swap(&r0, &r4, 32, 0x0000_0000_FFFF_FFFF); swap(&r1, &r5, 32, 0x0000_0000_FFFF_FFFF)
        swap(&r2, &r6, 32, 0x0000_0000_FFFF_FFFF); swap(&r3, &r7, 32, 0x0000_0000_FFFF_FFFF)
        swap(&r0, &r2, 16, 0x0000_FFFF_0000_FFFF); swap(&r1, &r3, 16, 0x0000_FFFF_0000_FFFF)
        swap(&r4, &r6, 16, 0x0000_FFFF_0000_FFFF); swap(&r5, &r7, 16, 0x0000_FFFF_0000_FFFF)
        swap(&r0, &r1, 8, 0x00FF_00FF_00FF_00FF); swap(&r2, &r3, 8, 0x00FF_00FF_00FF_00FF)
        swap(&r4, &r5, 8, 0x00FF_00FF_00FF_00FF); swap(&r6, &r7, 8, 0x00FF_00FF_00FF_00FF)
    }

    @inline(__always)
    func forEach(_ body: (Int, UInt64) -> Void) {
        body(0, r0); body(1, r1); body(2, r2); body(3, r3)
        body(4, r4); body(5, r5); body(6, r6); body(7, r7)
    }
}
