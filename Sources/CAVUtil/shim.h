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
#include <libavutil/sha.h>

static inline int CAVUtil_AVERROR(int e) { return AVERROR(e); }
static inline int CAVUtil_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int CAVUtil_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }
static inline int CAVUtil_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int64_t CAVUtil_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
static inline AVRational CAVUtil_TIME_BASE_Q(void) { return AV_TIME_BASE_Q; }
static inline int CAVUtil_TIME_BASE(void) { return AV_TIME_BASE; }
static inline int CAVUtil_AVERROR_ENOMEM(void) { return AVERROR(ENOMEM); }
static inline int CAVUtil_AVERROR_DECODER_NOT_FOUND(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int CAVUtil_AVERROR_DEMUXER_NOT_FOUND(void) { return AVERROR_DEMUXER_NOT_FOUND; }
static inline int CAVUtil_AVERROR_STREAM_NOT_FOUND(void) { return AVERROR_STREAM_NOT_FOUND; }
/// av_audio_fifo_write/read take `void **`; Swift sees `uint8_t **` on frames, so bridge here.
static inline int CAVUtil_audio_fifo_write_frame(AVAudioFifo *fifo, const AVFrame *frame) {
    return av_audio_fifo_write(fifo, (void **)frame->extended_data, frame->nb_samples);
}
static inline int CAVUtil_audio_fifo_read_frame(AVAudioFifo *fifo, AVFrame *frame, int samples) {
    return av_audio_fifo_read(fifo, (void **)frame->extended_data, samples);
}

#endif
