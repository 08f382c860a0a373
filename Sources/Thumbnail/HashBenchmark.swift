public import Foundation

/// Hash time of one photo, measured from its decoded image as the pipeline holds it: the
/// mean thread-CPU milliseconds of each part over `repetitions` runs (`mediadaemon bench hash`).
public struct HashBenchmark: Codable, Sendable {
    public var source: String
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

    public init(source: String, width: Int, height: Int, hashesMs: Double, planesMs: Double, pdqMs: Double, phashMs: Double) {
        self.source = source
        self.width = width
        self.height = height
        self.hashesMs = hashesMs
        self.planesMs = planesMs
        self.pdqMs = pdqMs
        self.phashMs = phashMs
    }

    enum CodingKeys: String, CodingKey {
        case source, width, height
        case hashesMs = "hashes_ms"
        case planesMs = "planes_ms"
        case pdqMs = "pdq_ms"
        case phashMs = "phash_ms"
    }
}

extension PhotoPipeline {
    /// Decodes `input` once, then times the hash step and its parts (see `HashBenchmark`).
    public func benchmarkHashes(input: URL, repetitions: Int) throws(ThumbnailError) -> HashBenchmark {
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
            return try PDQ.Workspace.borrow(width: w, height: h) { workspace throws(ThumbnailError) in
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
        return HashBenchmark(
            source: input.path, width: image.width, height: image.height,
            hashesMs: hashes, planesMs: planesMs, pdqMs: pdqMs, phashMs: phashMs)
    }
}
