#include "CMallocStats.h"
#include <malloc.h>

size_t CMallocStats_liveBytes(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}
