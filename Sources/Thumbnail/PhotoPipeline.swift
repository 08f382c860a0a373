public import Foundation

/// The photo pipeline: sniff, check limits from the header, decode once (shrink-on-load,
/// auto-rotate, sRGB), write every rendition in every format without metadata, hash.
///
/// Synchronous and blocking (libvips work): run it on a dedicated thread, not the async pool.
/// Safe to use from several threads at once; each call owns its images. All failures are
/// `ThumbnailError`s: bad or over-limit input is permanent (`isPermanent`).
public struct PhotoPipeline: Sendable {
    /// What to produce.
    public let preset: PhotoPreset

    /// A pipeline for `preset` (default: the built-in `photo` preset).
    public init(preset: PhotoPreset = .photo) {
        self.preset = preset
    }

    /// Processes the file at `input`, writing renditions into `outputDirectory` (created if
    /// needed). The file size is checked before it is read.
    public func process(input: URL, outputDirectory: URL, isCancelled: () -> Bool = { false }) throws(ThumbnailError) -> PhotoManifest {
        try process(data: read(input), outputDirectory: outputDirectory, name: input.lastPathComponent, isCancelled: isCancelled)
    }

    /// Processes encoded image bytes, writing renditions into `outputDirectory`.
    /// `name` only labels errors. `isCancelled` is checked between steps (throws `cancelled`).
    public func process(
        data: Data, outputDirectory: URL, name: String = "input", isCancelled: () -> Bool = { false }
    ) throws(ThumbnailError) -> PhotoManifest {
        let photo = try DecodedPhoto(data: data, width: preset.largestWidth, limits: preset.limits, name: name)
        if isCancelled() { throw ThumbnailError(.cancelled, "cancelled after decoding \(name)") }
        let renditions = try RenditionWriter(preset: preset, directory: outputDirectory).write(photo, isCancelled: isCancelled)
        if isCancelled() { throw ThumbnailError(.cancelled, "cancelled before hashing \(name)") }
        let (hashes, blurhash) = try photo.hashes()
        let probe = photo.probe
        return PhotoManifest(
            kind: "photo",
            preset: .init(name: preset.name, version: preset.version),
            input: .init(
                format: probe.format, width: probe.width, height: probe.height, bytes: probe.bytes,
                sha256: SHA256Digest.hex(of: data), orientation: probe.orientation,
                animated: probe.isAnimated ? true : nil),
            renditions: renditions, hashes: hashes, blurhash: blurhash)
    }

    /// Renditions of pixels decoded elsewhere (e.g. a video poster frame): packed 8-bit,
    /// `bands` 1…4, row-major. Returns what was written into `outputDirectory`.
    public func renditions(
        pixels: [UInt8], width: Int, height: Int, bands: Int, outputDirectory: URL, name: String = "frame"
    ) throws(ThumbnailError) -> [PhotoManifest.Rendition] {
        let photo = try DecodedPhoto(pixels: pixels, width: width, height: height, bands: bands, name: name)
        return try RenditionWriter(preset: preset, directory: outputDirectory).write(photo, isCancelled: { false })
    }

    /// SHA-256, PDQ and pHash of the file at `input` (the same values `process` records).
    public func hash(input: URL) throws(ThumbnailError) -> PhotoHashes {
        try hash(data: read(input), name: input.lastPathComponent)
    }

    /// SHA-256, PDQ and pHash of encoded image bytes (the same values `process` records).
    public func hash(data: Data, name: String = "input") throws(ThumbnailError) -> PhotoHashes {
        let photo = try DecodedPhoto(data: data, width: preset.largestWidth, limits: preset.limits, name: name)
        var (hashes, _) = try photo.hashes()
        hashes.sha256 = SHA256Digest.hex(of: data)
        return hashes
    }

    /// Reads a file after checking its size against the byte limit.
    private func read(_ url: URL) throws(ThumbnailError) -> Data {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw ThumbnailError(.io, "cannot read \(url.path)", cause: "\(error)")
        }
        try preset.limits.check(bytes: size)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ThumbnailError(.io, "cannot read \(url.path)", cause: "\(error)")
        }
    }
}
