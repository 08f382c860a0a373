import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// Upright packed RGB pixels of one decoded frame, for hashing and poster renditions.
struct FrameSnapshot {
    /// Packed 8-bit RGB, row-major, `width * height * 3` bytes.
    var pixels: [UInt8]
    var width: Int
    var height: Int
    /// Presentation time from the start of the video, in milliseconds.
    var timeMs: Int
}

/// Converts decoded frames to ``FrameSnapshot``s of one upright size: swscale to RGB24 in the
/// stored orientation, then turn the pixels. Owns its scaler and frame; not thread-safe.
final class SnapshotMaker {
    let width: Int
    let height: Int
    private let rotation: FrameRotation
    private let scaler: Scaler
    private let rgb: Frame

    /// A maker for upright `width`×`height` snapshots of frames needing `rotation`.
    init(width: Int, height: Int, rotation: FrameRotation, format: AVPixelFormat = AV_PIX_FMT_RGB24) throws(TranscodeError) {
        self.width = width
        self.height = height
        self.rotation = rotation
        let stored = rotation.swapsDimensions ? (width: height, height: width) : (width: width, height: height)
        scaler = Scaler(width: stored.width, height: stored.height, format: format)
        rgb = try Frame(width: stored.width, height: stored.height, format: format)
    }

    /// Bytes per pixel of the output format (3 for RGB24, 1 for GRAY8).
    private var bands: Int { rgb.pointer.pointee.format == AV_PIX_FMT_GRAY8.rawValue ? 1 : 3 }

    /// The frame's pixels, upright, packed.
    func pixels(of frame: Frame) throws(TranscodeError) -> [UInt8] {
        try rgb.makeWritable()
        try scaler.scale(frame, into: rgb)
        let storedWidth = rgb.width
        let storedHeight = rgb.height
        let bands = self.bands
        let stride = Int(rgb.pointer.pointee.linesize.0)
        guard let base = rgb.pointer.pointee.data.0 else {
            throw TranscodeError(.internal, "swscale produced no picture")
        }
        var stored = [UInt8](repeating: 0, count: storedWidth * storedHeight * bands)
        stored.withUnsafeMutableBufferPointer { out in
            for row in 0..<storedHeight {
                let target = out.baseAddress! + row * storedWidth * bands
                target.update(from: base + row * stride, count: storedWidth * bands)
            }
        }
        return rotation.apply(packed: stored, width: storedWidth, height: storedHeight, bands: bands)
    }
}

extension FrameRotation {
    /// Turns a packed pixel buffer (`bands` bytes per pixel) clockwise by ``quarterTurns``.
    func apply(packed source: [UInt8], width: Int, height: Int, bands: Int) -> [UInt8] {
        guard !isIdentity else { return source }
        var out = [UInt8](repeating: 0, count: source.count)
        let outWidth = swapsDimensions ? height : width
        source.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for row in 0..<height {
                    for column in 0..<width {
                        let (toRow, toColumn): (Int, Int)
                        switch quarterTurns {
                        case 1: (toRow, toColumn) = (column, height - 1 - row)
                        case 2: (toRow, toColumn) = (height - 1 - row, width - 1 - column)
                        default: (toRow, toColumn) = (width - 1 - column, row)
                        }
                        let from = (row * width + column) * bands
                        let to = (toRow * outWidth + toColumn) * bands
                        for band in 0..<bands { output[to + band] = input[from + band] }
                    }
                }
            }
        }
        return out
    }
}
