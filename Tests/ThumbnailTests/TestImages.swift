import Foundation
@testable import Thumbnail

/// Inputs generated in-process with the wrapper, so tests need no fixture files.
enum TestImages {
    /// A smooth colour gradient with a few blocks (`bands` = 3 RGB, 4 RGBA or CMYK, 1 grey).
    static func gradientPixels(width: Int, height: Int, bands: Int = 3) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * bands)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * bands
                let block = ((x / max(1, width / 8)) + (y / max(1, height / 8))) % 2 == 0
                let values: [UInt8] = [
                    UInt8(x * 255 / max(1, width - 1)),
                    UInt8(y * 255 / max(1, height - 1)),
                    block ? 200 : 40,
                    255,
                ]
                for b in 0..<bands { pixels[i + b] = values[b] }
            }
        }
        return pixels
    }

    /// A JPEG of a generated gradient; `orientation` is written as EXIF when given.
    static func jpeg(width: Int, height: Int, orientation: Int? = nil, quality: Int = 90) throws -> Data {
        let image = try VipsImage.fromPixels(
            gradientPixels(width: width, height: height), width: width, height: height, bands: 3, input: "test")
        if let orientation {
            image.setOrientation(orientation)
            return try image.jpegKeepingMetadata(quality: quality, input: "test")
        }
        return try image.jpeg(quality: quality, progressive: false, input: "test")
    }

    /// A PNG of a generated gradient.
    static func png(width: Int, height: Int, bands: Int = 3) throws -> Data {
        let image = try VipsImage.fromPixels(
            gradientPixels(width: width, height: height, bands: bands), width: width, height: height,
            bands: bands, input: "test")
        return try image.png(input: "test")
    }

    /// A solid-colour CMYK JPEG without an ICC profile.
    static func cmykJPEG(width: Int, height: Int, cmyk: [UInt8]) throws -> Data {
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 4)
        for _ in 0..<(width * height) { pixels.append(contentsOf: cmyk) }
        let image = try VipsImage.fromPixels(pixels, width: width, height: height, bands: 4, cmyk: true, input: "test")
        return try image.jpeg(quality: 95, progressive: false, input: "test")
    }
}
