import CMallocStats

/// Counts the heap bytes the process holds live, to catch leaks of FFmpeg frames and contexts.
///
/// Live allocations, not resident memory: what glibc keeps cached after a free (arena high-water
/// marks, untrimmed pages, a new thread's arena) is not counted, so the figure does not wander
/// with the allocator's caching. Every allocation path of the libraries under test (av_malloc's
/// posix_memalign, libx264's, libvips' GLib slices) goes through malloc, so a leaked frame or
/// context shows as growth.
enum MemoryProbe {
    /// Bytes allocated and not yet freed, over every malloc arena and mmap'd chunk.
    static func liveHeapBytes() -> Int {
        Int(CMallocStats_liveBytes())
    }
}
