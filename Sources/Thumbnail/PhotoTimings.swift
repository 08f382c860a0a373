import Foundation

/// Where one `PhotoPipeline.process` call spent its time, in milliseconds (wall clock on the
/// calling thread). For benchmarks and tuning; not part of the manifest.
public struct PhotoTimings: Codable, Sendable, Equatable {
    /// Sniff, header, shrink-on-load decode, rotation and colour conversion into memory.
    public var decodeMs: Double = 0
    /// Resizing, encoding and writing every rendition.
    public var renditionsMs: Double = 0
    /// PDQ (with its dihedral variants) and pHash from the in-memory image; nil when the
    /// preset turns hashing off.
    public var hashesMs: Double?
    /// CPU time of the calling thread for the same PDQ + pHash work: what the hashing costs,
    /// unlike wall time unaffected by other processes competing for the cores.
    public var hashesCPUMs: Double?
    /// Blurhash (averaging the smallest uncropped rendition down to about 64 px, then encoding); nil when hashing is off.
    public var blurhashMs: Double?
    /// SHA-256 of the input bytes.
    public var sha256Ms: Double = 0

    /// Empty timings.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case decodeMs = "decode_ms"
        case renditionsMs = "renditions_ms"
        case hashesMs = "hashes_ms"
        case hashesCPUMs = "hashes_cpu_ms"
        case blurhashMs = "blurhash_ms"
        case sha256Ms = "sha256_ms"
    }

    /// CPU time the calling thread has used, in milliseconds.
    static func threadCPUMilliseconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1e3 + Double(now.tv_nsec) / 1e6
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1e3 + Double(attoseconds) / 1e15
        return (milliseconds * 1000).rounded() / 1000
    }
}
