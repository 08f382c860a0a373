#ifndef CAVUTIL_SHIM_H
#define CAVUTIL_SHIM_H
#include <libavutil/avutil.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>

static inline int CAVUtil_AVERROR(int e) { return AVERROR(e); }
static inline int CAVUtil_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int CAVUtil_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }
static inline int CAVUtil_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int64_t CAVUtil_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
static inline AVRational CAVUtil_TIME_BASE_Q(void) { return AV_TIME_BASE_Q; }
static inline int CAVUtil_TIME_BASE(void) { return AV_TIME_BASE; }

#endif
