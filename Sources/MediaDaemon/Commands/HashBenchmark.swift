@_spi(Benchmarks) import Thumbnail

/// One JSON line of `mediadaemon bench hash`: the photo hash step's thread-CPU milliseconds
/// for one image (or the mean over all, `source` "mean of N"), split into its parts.
struct HashBenchmark: Codable {
    var source: String
    var width: Int
    var height: Int
    /// PDQ (with the dihedral variants) and pHash as the pipeline runs them.
    var hashesMs: Double
    /// The luma (PDQ) and grey (pHash) planes, one pass over the pixels.
    var planesMs: Double
    /// PDQ from the luma plane: tent filter, decimation, DCT, thresholds, dihedral variants.
    var pdqMs: Double
    /// pHash from the grey plane: Lanczos to 32×32, DCT, threshold.
    var phashMs: Double

    init(source: String, width: Int, height: Int, hashesMs: Double, planesMs: Double, pdqMs: Double, phashMs: Double) {
        self.source = source
        self.width = width
        self.height = height
        self.hashesMs = hashesMs
        self.planesMs = planesMs
        self.pdqMs = pdqMs
        self.phashMs = phashMs
    }

    init(source: String, _ timings: HashTimings) {
        self.init(
            source: source, width: timings.width, height: timings.height, hashesMs: timings.hashesMs,
            planesMs: timings.planesMs, pdqMs: timings.pdqMs, phashMs: timings.phashMs)
    }

    enum CodingKeys: String, CodingKey {
        case source, width, height
        case hashesMs = "hashes_ms"
        case planesMs = "planes_ms"
        case pdqMs = "pdq_ms"
        case phashMs = "phash_ms"
    }
}
