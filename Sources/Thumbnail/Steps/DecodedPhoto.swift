import Foundation

/// A photo decoded once: header facts plus the in-memory, auto-rotated, 8-bit sRGB image at
/// the preset's largest width (shrink-on-load; never upscaled). Every rendition and hash is
/// derived from `image`.
struct DecodedPhoto {
    let probe: ImageProbe
    let image: VipsImage
    let name: String

    /// Probes (refusing over-limit input before any pixel is decoded), then decodes.
    init(data: Data, width: Int, limits: ImageLimits, name: String) throws(ThumbnailError) {
        try limits.check(bytes: data.count)
        try self.init(source: SourceBytes(data), width: width, limits: limits, name: name)
    }

    /// As `init(data:…)`, from bytes already pinned (a mapped file).
    init(source: SourceBytes, width: Int, limits: ImageLimits, name: String) throws(ThumbnailError) {
        let probe = try ImageProbe.open(source, limits: limits, name: name)
        // Only a non-sRGB profile (or CMYK) needs a colour transform: untagged RGB is taken as
        // sRGB, and an sRGB→sRGB round trip through LCMS would cost more than the resize and
        // shift pixels (and hashes) for nothing. CMYK needs a profile to reach sRGB: the
        // embedded one, else libvips' CMYK fallback.
        let exportSRGB = (probe.hasICCProfile && !probe.hasSRGBProfile) || probe.isCMYK
        let importCMYK = probe.isCMYK && !probe.hasICCProfile
        if probe.format == .jpeg {
            // libvips' own thumbnail keeps a factor of two for its resize (a 6000 px JPEG is
            // decoded 3000 wide for a 1080 target); decoding at the smallest DCT scale that is
            // still at least the target width does a quarter of the work for the same output.
            let shrunk = try VipsImage.jpegThumbnail(
                source, shrink: Self.jpegShrink(probe, width: width), width: width,
                exportSRGB: exportSRGB, importCMYK: importCMYK, input: name)
            // Pixels are decoded here (a failure means the input is damaged), then turned
            // upright in memory.
            image = try shrunk.srgb8(input: name).inMemory(input: name, stage: .decode)
                .upright(input: name).inMemory(input: name, stage: .process)
        } else {
            let shrunk = try VipsImage.thumbnail(
                source, width: width, exportSRGB: exportSRGB, importCMYK: importCMYK, input: name)
            image = try shrunk.srgb8(input: name).inMemory(input: name, stage: .decode)
        }
        self.probe = probe
        self.name = name
    }

    /// The largest JPEG DCT scale-down (8, 4, 2, else 1) that keeps the displayed width (after
    /// EXIF rotation) at least `width`.
    static func jpegShrink(_ probe: ImageProbe, width: Int) -> Int {
        let shown = (5...8).contains(probe.orientation) ? probe.height : probe.width
        return [8, 4, 2].first { shown / $0 >= width } ?? 1
    }

    /// Wraps pixels someone else decoded (e.g. a video poster frame).
    init(pixels: [UInt8], width: Int, height: Int, bands: Int, name: String) throws(ThumbnailError) {
        let made = try VipsImage.fromPixels(pixels, width: width, height: height, bands: bands, input: name)
        image = try made.srgb8(input: name).inMemory(input: name, stage: .process)
        probe = ImageProbe(
            format: .png, width: width, height: height, frames: 1, orientation: 1,
            bytes: pixels.count, isCMYK: false, hasICCProfile: false)
        self.name = name
    }

    /// PDQ (with its dihedral variants) and pHash, from the decoded image.
    func hashes() throws(ThumbnailError) -> PhotoHashes {
        var timings = PhotoTimings()
        return try hashes(timings: &timings)
    }

    /// As `hashes()`, recording the time PDQ + pHash took.
    func hashes(timings: inout PhotoTimings) throws(ThumbnailError) -> PhotoHashes {
        let clock = ContinuousClock()
        let start = clock.now
        let startCPU = PhotoTimings.threadCPUMilliseconds()
        // Read in place: the rendition stays in libvips' memory, not copied into an array.
        let (dihedral, phash) = try image.withPixels(input: name) { raw throws(ThumbnailError) in
            ImageHashes.compute(
                pixels: raw.bindMemory(to: UInt8.self), width: image.width, height: image.height, bands: image.bands)
        }
        let pdq = dihedral[0]
        timings.hashesCPUMs = ((PhotoTimings.threadCPUMilliseconds() - startCPU) * 1000).rounded() / 1000
        timings.hashesMs = PhotoTimings.milliseconds(clock.now - start)
        return PhotoHashes(pdq: pdq.hex, pdqQuality: pdq.quality, phash: phash, pdqDihedral: dihedral.map(\.hex))
    }

    /// Blurhash of `source` (the smallest uncropped image already in memory: a placeholder
    /// needs the whole picture, not the square crop), box-averaged on this thread to about
    /// 64×64 first (a blurhash is independent of the aspect ratio), so no libvips pipeline runs.
    func blurhash(from source: VipsImage, timings: inout PhotoTimings) throws(ThumbnailError) -> String {
        let clock = ContinuousClock()
        let start = clock.now
        let pixels = try source.pixels(input: name)
        let (small, width, height) = Self.boxAverage(
            pixels, width: source.width, height: source.height, bands: source.bands, target: 64)
        let text = Blurhash.encode(pixels: small, width: width, height: height, bands: 3)
        timings.blurhashMs = PhotoTimings.milliseconds(clock.now - start)
        return text
    }

    /// RGB means of whole blocks of `width / target` × `height / target` pixels (at least 1×1;
    /// the last partial blocks are left out). Returns packed 3-band pixels and their size.
    static func boxAverage(
        _ pixels: [UInt8], width: Int, height: Int, bands: Int, target: Int
    ) -> (pixels: [UInt8], width: Int, height: Int) {
        let blockX = max(1, width / target), blockY = max(1, height / target)
        let outWidth = width / blockX, outHeight = height / blockY
        var sums = [UInt32](repeating: 0, count: outWidth * 3)
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
        let area = UInt32(blockX * blockY)
        pixels.withUnsafeBufferPointer { input in
            for row in 0..<outHeight {
                for k in sums.indices { sums[k] = 0 }
                for y in (row * blockY)..<(row * blockY + blockY) {
                    var p = y * width * bands
                    for column in 0..<outWidth {
                        var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                        for _ in 0..<blockX {
                            r += UInt32(input[p])
                            g += UInt32(input[p + 1])
                            b += UInt32(input[p + 2])
                            p += bands
                        }
                        sums[column * 3] += r
                        sums[column * 3 + 1] += g
                        sums[column * 3 + 2] += b
                    }
                }
                for k in sums.indices { out[row * outWidth * 3 + k] = UInt8((sums[k] + area / 2) / area) }
            }
        }
        return (out, outWidth, outHeight)
    }
}
