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
        let (probe, source) = try ImageProbe.open(data, limits: limits, name: name)
        // Only a profile (or CMYK) needs a colour transform: untagged RGB is taken as sRGB,
        // and an sRGB→sRGB round trip through LCMS would shift pixels (and hashes) for nothing.
        // CMYK needs a profile to reach sRGB: the embedded one, else libvips' CMYK fallback.
        let shrunk = try VipsImage.thumbnail(
            source, width: width, exportSRGB: probe.hasICCProfile || probe.isCMYK,
            importCMYK: probe.isCMYK && !probe.hasICCProfile, input: name)
        // Pixels are decoded here; a failure now means the input is damaged.
        image = try shrunk.srgb8(input: name).inMemory(input: name, stage: .decode)
        self.probe = probe
        self.name = name
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

    /// PDQ (with its dihedral variants), pHash (from the decoded image) and blurhash (from a
    /// 64 px wide copy).
    func hashes() throws(ThumbnailError) -> (PhotoHashes, blurhash: String) {
        let pixels = try image.pixels(input: name)
        let luma = PDQ.luma(pixels: pixels, width: image.width, height: image.height, bands: image.bands)
        let dihedral = PDQ.dihedralHashes(luma: luma, width: image.width, height: image.height)
        let pdq = dihedral[0]
        let phash = PerceptualHash.hash(pixels: pixels, width: image.width, height: image.height, bands: image.bands)
        let small = try image.thumbnail(width: 64, input: name)
        let smallPixels = try small.pixels(input: name)
        let blurhash = Blurhash.encode(pixels: smallPixels, width: small.width, height: small.height, bands: small.bands)
        let hashes = PhotoHashes(
            pdq: pdq.hex, pdqQuality: pdq.quality, phash: phash, pdqDihedral: dihedral.map(\.hex))
        return (hashes, blurhash)
    }
}
