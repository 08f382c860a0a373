public import Foundation

/// Thread-CPU time of the photo hash step and its parts, in milliseconds (means over runs).
/// Only for `mediadaemon bench hash`, through the `Benchmarks` SPI: not part of the library's
/// API.
@_spi(Benchmarks)
public struct HashTimings: Sendable {
    /// The decoded image the hashes are computed from (the largest rendition's size).
    public var width: Int
    public var height: Int
    /// PDQ (with the dihedral variants) and pHash as the pipeline runs them.
    public var hashesMs: Double
    /// The luma (PDQ) and grey (pHash) planes, one pass over the pixels.
    public var planesMs: Double
    /// PDQ from the luma plane: tent filter, decimation, DCT, thresholds, dihedral variants.
    public var pdqMs: Double
    /// pHash from the grey plane: Lanczos to 32×32, DCT, threshold.
    public var phashMs: Double
}

extension PhotoPipeline {
    /// Decodes `input` once, then times the hash step and its parts over `repetitions` runs
    /// (after one warm-up run each).
    @_spi(Benchmarks)
    public func hashTimings(input: URL, repetitions: Int) throws(ThumbnailError) -> HashTimings {
        let source = try SourceBytes(mapping: input.path, limits: preset.limits)
        let photo = try DecodedPhoto(source: source, width: preset.largestWidth, limits: preset.limits, name: input.lastPathComponent)
        let image = photo.image
        let runs = max(1, repetitions)
        func mean(_ body: () throws(ThumbnailError) -> Void) throws(ThumbnailError) -> Double {
            try body()  // warm: first-touch page faults of the rendition belong to the decode
            let start = PhotoTimings.threadCPUMilliseconds()
            for _ in 0..<runs { try body() }
            return ((PhotoTimings.threadCPUMilliseconds() - start) / Double(runs) * 1000).rounded() / 1000
        }
        let hashes = try mean { () throws(ThumbnailError) in _ = try photo.hashes() }
        let (planesMs, pdqMs, phashMs) = try image.withPixels(input: photo.name) { raw throws(ThumbnailError) in
            let pixels = raw.bindMemory(to: UInt8.self)
            let (w, h, b) = (image.width, image.height, image.bands)
            return try PDQWorkspace.borrow(width: w, height: h) { workspace throws(ThumbnailError) in
                let planesMs = try mean { ImageHashes.fillPlanes(pixels, width: w, height: h, bands: b, into: workspace) }
                let phashMs = try mean {
                    _ = PerceptualHash.hash(grey: UnsafeBufferPointer(start: workspace.grey, count: w * h), width: w, height: h)
                }
                // PDQ uses its luma plane as scratch: refill it before each run, outside the clock.
                var pdqMs = 0.0
                for _ in 0..<runs {
                    ImageHashes.fillPlanes(pixels, width: w, height: h, bands: b, into: workspace)
                    let start = PhotoTimings.threadCPUMilliseconds()
                    _ = PDQ.dihedralHashes(lumaIn: workspace, width: w, height: h)
                    pdqMs += PhotoTimings.threadCPUMilliseconds() - start
                }
                return (planesMs, ((pdqMs / Double(runs)) * 1000).rounded() / 1000, phashMs)
            }
        }
        return HashTimings(
            width: image.width, height: image.height, hashesMs: hashes, planesMs: planesMs, pdqMs: pdqMs, phashMs: phashMs)
    }
}
