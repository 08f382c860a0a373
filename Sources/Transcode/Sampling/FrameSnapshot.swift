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
    private let format: PixelFormat

    /// A maker for upright `width`×`height` snapshots of frames needing `rotation`.
    init(width: Int, height: Int, rotation: FrameRotation, format: PixelFormat = .rgb24) throws(TranscodeError) {
        self.width = width
        self.height = height
        self.rotation = rotation
        let stored = rotation.swapsDimensions ? (width: height, height: width) : (width: width, height: height)
        self.format = format
        scaler = Scaler(width: stored.width, height: stored.height, format: format)
        rgb = try Frame(width: stored.width, height: stored.height, format: format)
    }

    /// Bytes per pixel of the output format (3 for RGB24, 1 for GRAY8).
    private var bands: Int { format.bytesPerPixel }

    /// The frame's pixels, upright, packed: copied (and turned) straight out of swscale's
    /// picture into the result.
    func pixels(of frame: Frame) throws(TranscodeError) -> [UInt8] {
        try rgb.makeWritable()
        try scaler.scale(frame, into: rgb)
        let storedWidth = rgb.width
        let storedHeight = rgb.height
        let bands = self.bands
        let (data, stride) = rgb.plane(0)
        guard let base = data else {
            throw TranscodeError(.internal, "swscale produced no picture")
        }
        let count = storedWidth * storedHeight * bands
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
            rotation.apply(
                packed: UnsafePointer(base), stride: stride, width: storedWidth, height: storedHeight, bands: bands,
                into: out.baseAddress!)
            initialised = count
        }
    }
}

extension FrameRotation {
    /// Turns packed pixels (`bands` bytes each, rows `stride` bytes apart) clockwise by
    /// ``quarterTurns`` into `output` (rows packed without padding).
    func apply(
        packed input: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, bands: Int,
        into output: UnsafeMutablePointer<UInt8>
    ) {
        let rowBytes = width * bands
        switch quarterTurns {
        case 0:
            for row in 0..<height { (output + row * rowBytes).update(from: input + row * stride, count: rowBytes) }
        case 2:
            // Output row r is input row height-1-r, pixels in reverse order.
            for row in 0..<height {
                let from = input + (height - 1 - row) * stride
                var to = output + row * rowBytes
                var at = rowBytes - bands
                while at >= 0 {
                    for band in 0..<bands { to[band] = from[at + band] }
                    to += bands
                    at -= bands
                }
            }
        default:
            // Input (row, column) goes to output row `column` (turn 1) or `width-1-column`
            // (turn 3), output column `height-1-row` (turn 1) or `row` (turn 3).
            let outRowBytes = height * bands
            for row in 0..<height {
                let from = input + row * stride
                let outColumn = quarterTurns == 1 ? height - 1 - row : row
                for column in 0..<width {
                    let outRow = quarterTurns == 1 ? column : width - 1 - column
                    let to = output + outRow * outRowBytes + outColumn * bands
                    for band in 0..<bands { to[band] = from[column * bands + band] }
                }
            }
        }
    }
}
