import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

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
        let src = source.pointer.pointee
        let dst = destination.pointer.pointee
        let width = Int(src.width)
        let height = Int(src.height)
        let planes: [(UnsafeMutablePointer<UInt8>?, Int32, UnsafeMutablePointer<UInt8>?, Int32, Int)] = [
            (src.data.0, src.linesize.0, dst.data.0, dst.linesize.0, 1),
            (src.data.1, src.linesize.1, dst.data.1, dst.linesize.1, 2),
            (src.data.2, src.linesize.2, dst.data.2, dst.linesize.2, 2),
        ]
        for (from, fromStride, to, toStride, divisor) in planes {
            guard let from, let to else { continue }
            rotatePlane(
                from, stride: Int(fromStride), width: (width + divisor - 1) / divisor,
                height: (height + divisor - 1) / divisor,
                into: to, stride: Int(toStride))
        }
    }

    private func rotatePlane(
        _ source: UnsafeMutablePointer<UInt8>, stride sourceStride: Int, width: Int, height: Int,
        into destination: UnsafeMutablePointer<UInt8>, stride destinationStride: Int
    ) {
        switch quarterTurns {
        case 1:
            // Destination row r, column c comes from source row (height-1-c), column r.
            for row in 0..<width {
                let out = destination + row * destinationStride
                for column in 0..<height {
                    out[column] = source[(height - 1 - column) * sourceStride + row]
                }
            }
        case 2:
            for row in 0..<height {
                let input = source + (height - 1 - row) * sourceStride
                let out = destination + row * destinationStride
                for column in 0..<width {
                    out[column] = input[width - 1 - column]
                }
            }
        case 3:
            // Destination row r, column c comes from source row c, column (width-1-r).
            for row in 0..<width {
                let out = destination + row * destinationStride
                for column in 0..<height {
                    out[column] = source[column * sourceStride + (width - 1 - row)]
                }
            }
        default:
            for row in 0..<height {
                (destination + row * destinationStride).update(from: source + row * sourceStride, count: width)
            }
        }
    }
}
