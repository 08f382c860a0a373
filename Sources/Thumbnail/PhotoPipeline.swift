public import Foundation

/// The photo pipeline: sniff, check limits from the header, decode once (shrink-on-load,
/// auto-rotate, sRGB), write every rendition in every format without metadata, hash.
///
/// Synchronous and blocking (libvips work): run it on a dedicated thread, not the async pool.
/// Safe to use from several threads at once; each call owns its images. All failures are
/// `ThumbnailError`s: bad or over-limit input is permanent (`disposition.isPermanent`).
public struct PhotoPipeline: Sendable {
    /// What to produce.
    public let preset: PhotoPreset

    /// A pipeline for `preset` (default: the built-in `photo` preset).
    public init(preset: PhotoPreset = .photo) {
        self.preset = preset
    }

    /// Processes the file at `input`, writing renditions into `outputDirectory` (created if
    /// needed). The file size is checked before it is read; the file is mapped, not copied.
    public func process(input: URL, outputDirectory: URL, isCancelled: () -> Bool = { false }) throws(ThumbnailError) -> PhotoManifest {
        var timings = PhotoTimings()
        return try process(input: input, outputDirectory: outputDirectory, timings: &timings, isCancelled: isCancelled)
    }

    /// As `process(input:outputDirectory:isCancelled:)`, recording where the time went.
    public func process(
        input: URL, outputDirectory: URL, timings: inout PhotoTimings, isCancelled: () -> Bool = { false }
    ) throws(ThumbnailError) -> PhotoManifest {
        let source = try SourceBytes(mapping: input.path, limits: preset.limits)
        return try process(
            source: source, outputDirectory: outputDirectory, name: input.lastPathComponent, timings: &timings,
            isCancelled: isCancelled)
    }

    /// Processes encoded image bytes, writing renditions into `outputDirectory`.
    /// `name` only labels errors. `isCancelled` is checked between steps (throws `cancelled`).
    public func process(
        data: Data, outputDirectory: URL, name: String = "input", isCancelled: () -> Bool = { false }
    ) throws(ThumbnailError) -> PhotoManifest {
        try preset.limits.check(bytes: data.count)
        var timings = PhotoTimings()
        return try process(
            source: SourceBytes(data), outputDirectory: outputDirectory, name: name, timings: &timings, isCancelled: isCancelled)
    }

    private func process(
        source: SourceBytes, outputDirectory: URL, name: String, timings: inout PhotoTimings, isCancelled: () -> Bool
    ) throws(ThumbnailError) -> PhotoManifest {
        let clock = ContinuousClock()
        var mark = clock.now
        func lap() -> Double {
            let now = clock.now
            defer { mark = now }
            return PhotoTimings.milliseconds(now - mark)
        }
        let photo = try DecodedPhoto(source: source, width: preset.largestWidth, limits: preset.limits, name: name)
        timings.decodeMs = lap()
        if isCancelled() { throw ThumbnailError(.cancelled, "cancelled after decoding \(name)") }
        let (renditions, smallest) = try RenditionWriter(preset: preset, directory: outputDirectory)
            .write(photo, isCancelled: isCancelled)
        timings.renditionsMs = lap()
        if isCancelled() { throw ThumbnailError(.cancelled, "cancelled before hashing \(name)") }
        var hashes: PhotoHashes?
        var blurhash: String?
        if preset.hashes {
            hashes = try photo.hashes(timings: &timings)
            blurhash = try photo.blurhash(from: smallest, timings: &timings)
        }
        _ = lap()
        let sha256 = SHA256Digest.hex(of: source.data)
        timings.sha256Ms = lap()
        let probe = photo.probe
        return PhotoManifest(
            kind: "photo",
            preset: .init(name: preset.name, version: preset.version),
            input: .init(
                format: probe.format, width: probe.width, height: probe.height, bytes: probe.bytes,
                sha256: sha256, orientation: probe.orientation,
                animated: probe.isAnimated ? true : nil),
            renditions: renditions, hashes: hashes, blurhash: blurhash)
    }

    /// Renditions of pixels decoded elsewhere (e.g. a video poster frame): packed 8-bit,
    /// `bands` 1…4, row-major. Returns what was written into `outputDirectory`.
    public func renditions(
        pixels: [UInt8], width: Int, height: Int, bands: Int, outputDirectory: URL, name: String = "frame"
    ) throws(ThumbnailError) -> [PhotoManifest.Rendition] {
        let photo = try DecodedPhoto(pixels: pixels, width: width, height: height, bands: bands, name: name)
        return try RenditionWriter(preset: preset, directory: outputDirectory).write(photo, isCancelled: { false }).renditions
    }

    /// SHA-256, PDQ and pHash of the file at `input` (the same values `process` records).
    public func hash(input: URL) throws(ThumbnailError) -> PhotoHashes {
        let source = try SourceBytes(mapping: input.path, limits: preset.limits)
        let photo = try DecodedPhoto(source: source, width: preset.largestWidth, limits: preset.limits, name: input.lastPathComponent)
        var hashes = try photo.hashes()
        hashes.sha256 = SHA256Digest.hex(of: source.data)
        return hashes
    }

    /// SHA-256, PDQ and pHash of encoded image bytes (the same values `process` records).
    public func hash(data: Data, name: String = "input") throws(ThumbnailError) -> PhotoHashes {
        let photo = try DecodedPhoto(data: data, width: preset.largestWidth, limits: preset.limits, name: name)
        var hashes = try photo.hashes()
        hashes.sha256 = SHA256Digest.hex(of: data)
        return hashes
    }
}
