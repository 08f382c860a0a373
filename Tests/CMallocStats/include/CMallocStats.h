#ifndef CMALLOCSTATS_H
#define CMALLOCSTATS_H
#include <stddef.h>

/// Bytes the process's heap has handed out and not yet freed: glibc's mallinfo2() over every
/// arena, chunks in use (`uordblks`) plus chunks served by mmap (`hblkhd`). Free memory the
/// allocator keeps cached (per-thread arenas, trimmed or not) does not count.
size_t CMallocStats_liveBytes(void);

/// Whether glibc served `block` (from malloc) from a mapping of its own, which `free` unmaps,
/// rather than from a heap.
int CMallocStats_isMapped(const void *block);

#endif
