import CSpawnShim

/// How much freed memory glibc keeps for the next image instead of handing it back to the
/// kernel, for processes that decode one image after another (`process`, the worker children).
///
/// By default glibc serves blocks above a threshold that starts at 128 KiB (and only grows as
/// such blocks are freed) from mappings of their own, unmapped on `free`, and trims a heap's
/// free top beyond twice that: every image's decode and region buffers then come back as fresh
/// pages the kernel faults in and clears. A fixed threshold keeps them in the heap for the next
/// image. What is kept is bounded: at most `trimThreshold` free bytes at each heap's top (one
/// heap per thread arena), and never more than the process's own peak. Blocks above
/// `mmapThreshold` (a large progressive JPEG's coefficient buffer) still get their own mapping.
enum HeapRetention {
    /// Blocks up to this size come from the heap: glibc's ceiling on 64-bit (32 MiB), which
    /// covers a worker's per-image buffers at the preset sizes.
    static let mmapThreshold: Int32 = 32 << 20

    /// Free bytes a heap keeps at its top before giving memory back.
    static let trimThreshold: Int32 = 64 << 20

    /// Sets both thresholds for the whole process, once, before any image work. Returns
    /// whether glibc took them (it refuses values above its ceilings).
    @discardableResult
    static func keepImageBuffers() -> Bool {
        md_malloc_retain(mmapThreshold, trimThreshold) == 1
    }
}
