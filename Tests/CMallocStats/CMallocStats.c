#include "CMallocStats.h"
#include <malloc.h>

size_t CMallocStats_liveBytes(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

int CMallocStats_isMapped(const void *block) {
    // glibc's chunk header: the size word just before the block, whose bit 1 (IS_MMAPPED)
    // marks a chunk that has a mapping of its own.
    return (((const size_t *)block)[-1] & 2) != 0;
}
