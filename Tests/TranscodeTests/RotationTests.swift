import Testing
@testable import Transcode

extension TranscodeSuite {
    /// `FrameRotation`'s block moves against the pixel-by-pixel definition, on planes whose
    /// sizes do and do not fill 8×8 blocks and whose rows are padded.
    @Suite("frame rotation")
    struct RotationTests {
        /// The source pixel that destination `(x, y)` comes from, turning a `width`×`height`
        /// picture clockwise (the definition the block moves must match).
        static func source(
            of point: (x: Int, y: Int), turning rotation: FrameRotation, width: Int, height: Int
        ) -> (Int, Int) {
            switch rotation.quarterTurns {
            case 1: (point.y, height - 1 - point.x)
            case 2: (width - 1 - point.x, height - 1 - point.y)
            case 3: (width - 1 - point.y, point.x)
            default: (point.x, point.y)
            }
        }

        @Test("every quarter turn of a plane equals the per-pixel rotation", arguments: [0, 90, 180, 270])
        func planes(degrees: Int) {
            let rotation = FrameRotation(clockwiseDegrees: degrees)
            var random = SeededGenerator(state: UInt64(degrees) + 1)
            for (width, height) in [(1, 1), (7, 9), (8, 8), (16, 24), (33, 17), (64, 3), (3, 64), (640, 360), (359, 641)] {
                let sourceStride = width + 5
                let source = (0..<(sourceStride * height)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let (outWidth, outHeight) = rotation.swapsDimensions ? (height, width) : (width, height)
                let destinationStride = outWidth + 3
                var destination = [UInt8](repeating: 0, count: destinationStride * outHeight)
                source.withUnsafeBufferPointer { from in
                    destination.withUnsafeMutableBufferPointer { to in
                        rotation.rotatePlane(
                            from.baseAddress!, stride: sourceStride, width: width, height: height,
                            into: to.baseAddress!, stride: destinationStride)
                    }
                }
                var mismatches = 0
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let (sx, sy) = Self.source(of: (x, y), turning: rotation, width: width, height: height)
                        if destination[y * destinationStride + x] != source[sy * sourceStride + sx] { mismatches += 1 }
                    }
                }
                #expect(mismatches == 0, "\(degrees)° of \(width)×\(height): \(mismatches) pixels misplaced")
                // Row padding is left alone.
                let padding = (0..<outHeight).flatMap { y in destination[(y * destinationStride + outWidth)..<((y + 1) * destinationStride)] }
                #expect(padding.allSatisfy { $0 == 0 })
            }
        }
    
        @Test("packed RGB and grey snapshots turn like the planes", arguments: [0, 90, 180, 270])
        func packed(degrees: Int) {
            let rotation = FrameRotation(clockwiseDegrees: degrees)
            var random = SeededGenerator(state: UInt64(degrees) + 100)
            for bands in [1, 3] {
                for (width, height) in [(1, 1), (5, 3), (17, 9), (64, 36)] {
                    let stride = width * bands + 7
                    let source = (0..<(stride * height)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    let (outWidth, outHeight) = rotation.swapsDimensions ? (height, width) : (width, height)
                    var out = [UInt8](repeating: 0, count: outWidth * outHeight * bands)
                    source.withUnsafeBufferPointer { from in
                        out.withUnsafeMutableBufferPointer { to in
                            rotation.apply(
                                packed: from.baseAddress!, stride: stride, width: width, height: height, bands: bands,
                                into: to.baseAddress!)
                        }
                    }
                    var mismatches = 0
                    for y in 0..<outHeight {
                        for x in 0..<outWidth {
                            let (sx, sy) = Self.source(of: (x, y), turning: rotation, width: width, height: height)
                            for band in 0..<bands where out[(y * outWidth + x) * bands + band] != source[sy * stride + sx * bands + band] {
                                mismatches += 1
                            }
                        }
                    }
                    #expect(mismatches == 0, "\(degrees)° of \(width)×\(height)×\(bands)")
                }
            }
        }
    }
}
