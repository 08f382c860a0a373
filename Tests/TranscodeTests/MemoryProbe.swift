import Foundation

/// Reads how much memory the process holds, to catch leaks of FFmpeg frames and contexts.
enum MemoryProbe {
    /// Resident set size in bytes after returning free heap pages to the system, from
    /// `/proc/self/statm`; nil where that file does not exist.
    ///
    /// `malloc_trim` first, so that memory freed but kept by glibc's per-thread arenas (x264
    /// and libvips threads land in different arenas on each run) does not look like a leak.
    static func residentBytes() -> Int? {
        trimHeap()
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Caps glibc at one more malloc arena (`mallopt(M_ARENA_MAX, …)`), so encoder and decoder
    /// threads created on every run stop opening arenas whose high-water marks read as growth.
    /// Call before the warm-up runs.
    static func limitArenas() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Option = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX in malloc.h
        _ = unsafeBitCast(symbol, to: Option.self)(arenaMax, 1)
    }

    /// glibc's `malloc_trim(0)`, looked up at run time (malloc.h is not in Swift's Glibc module).
    private static func trimHeap() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        typealias Trim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }
}
