#ifndef CAVFORMAT_SHIM_H
#define CAVFORMAT_SHIM_H
#include <libavformat/avformat.h>
#include <libavformat/avio.h>

static inline int CAVFormat_AVFMT_NOFILE(void) { return AVFMT_NOFILE; }
static inline int CAVFormat_AVIO_FLAG_WRITE(void) { return AVIO_FLAG_WRITE; }
#endif
