#include "CFFmpegLoader.h"

// System headers first: the visibility pragma below must only cover FFmpeg's declarations (a
// hidden libc declaration could not bind to libc).
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Hidden: the definitions below stay inside the executable. Exported, they would interpose on
// the libraries' own calls to each other (libavformat calling avcodec_open2).
#pragma GCC visibility push(hidden)
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

enum library { AVUTIL, SWRESAMPLE, SWSCALE, AVCODEC, AVFORMAT, LIBRARIES };

/// Sonames at the major versions of the headers compiled against (the ABI Swift was built for).
static const char *const sonames[LIBRARIES] = {
    "libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR),
    "libswresample.so." AV_STRINGIFY(LIBSWRESAMPLE_VERSION_MAJOR),
    "libswscale.so." AV_STRINGIFY(LIBSWSCALE_VERSION_MAJOR),
    "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR),
    "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR),
};

// Every FFmpeg function Transcode (and its shims' inline bridges) calls: library, return type,
// name, parameters, arguments. `VOID` rows return nothing. The parameter lists are checked
// against FFmpeg's own declarations by the compiler (a mismatch is a conflicting-types error).
#define FFMPEG_FUNCTIONS(F, VOID)                                                                 \
    F(AVUTIL, AVAudioFifo *, av_audio_fifo_alloc, (enum AVSampleFormat f, int c, int n), (f, c, n)) \
    VOID(AVUTIL, av_audio_fifo_free, (AVAudioFifo * a), (a))                                      \
    F(AVUTIL, int, av_audio_fifo_read, (AVAudioFifo * a, void **d, int n), (a, d, n))             \
    F(AVUTIL, int, av_audio_fifo_size, (AVAudioFifo * a), (a))                                    \
    F(AVUTIL, int, av_audio_fifo_write, (AVAudioFifo * a, void **d, int n), (a, d, n))            \
    F(AVUTIL, int, av_channel_layout_copy, (AVChannelLayout * d, const AVChannelLayout *s), (d, s)) \
    VOID(AVUTIL, av_channel_layout_default, (AVChannelLayout * l, int n), (l, n))                 \
    VOID(AVUTIL, av_dict_free, (AVDictionary * *m), (m))                                          \
    F(AVUTIL, AVDictionaryEntry *, av_dict_get,                                                   \
      (const AVDictionary *m, const char *k, const AVDictionaryEntry *p, int f), (m, k, p, f))    \
    F(AVUTIL, int, av_dict_set, (AVDictionary * *m, const char *k, const char *v, int f), (m, k, v, f)) \
    F(AVUTIL, double, av_display_rotation_get, (const int32_t m[9]), (m))                         \
    F(AVUTIL, AVFrame *, av_frame_alloc, (void), ())                                              \
    VOID(AVUTIL, av_frame_free, (AVFrame * *f), (f))                                              \
    F(AVUTIL, int, av_frame_get_buffer, (AVFrame * f, int a), (f, a))                             \
    F(AVUTIL, int, av_frame_is_writable, (AVFrame * f), (f))                                      \
    F(AVUTIL, int, av_frame_make_writable, (AVFrame * f), (f))                                    \
    F(AVUTIL, int, av_frame_ref, (AVFrame * d, const AVFrame *s), (d, s))                         \
    VOID(AVUTIL, av_frame_unref, (AVFrame * f), (f))                                              \
    F(AVUTIL, const char *, av_get_media_type_string, (enum AVMediaType t), (t))                  \
    F(AVUTIL, int, av_log_format_line2,                                                           \
      (void *p, int l, const char *f, va_list v, char *o, int s, int *x), (p, l, f, v, o, s, x))  \
    F(AVUTIL, int, av_log_get_level, (void), ())                                                  \
    VOID(AVUTIL, av_log_set_callback, (void (*c)(void *, int, const char *, va_list)), (c))       \
    VOID(AVUTIL, av_log_set_level, (int l), (l))                                                  \
    F(AVUTIL, int, av_reduce, (int *n, int *d, int64_t a, int64_t b, int64_t m), (n, d, a, b, m)) \
    F(AVUTIL, int64_t, av_rescale, (int64_t a, int64_t b, int64_t c), (a, b, c))                  \
    F(AVUTIL, int64_t, av_rescale_q, (int64_t a, AVRational b, AVRational c), (a, b, c))          \
    F(AVUTIL, int, av_strerror, (int e, char *b, size_t s), (e, b, s))                            \
    F(SWRESAMPLE, int, swr_alloc_set_opts2,                                                       \
      (struct SwrContext * *s, AVChannelLayout *ol, enum AVSampleFormat of, int orate,            \
       AVChannelLayout *il, enum AVSampleFormat inf, int irate, int lo, void *lc),          \
      (s, ol, of, orate, il, inf, irate, lo, lc))                                                 \
    F(SWRESAMPLE, int, swr_convert_frame, (SwrContext * s, AVFrame *o, const AVFrame *i), (s, o, i)) \
    VOID(SWRESAMPLE, swr_free, (struct SwrContext * *s), (s))                                     \
    F(SWRESAMPLE, int, swr_get_out_samples, (struct SwrContext * s, int n), (s, n))               \
    F(SWRESAMPLE, int, swr_init, (struct SwrContext * s), (s))                                    \
    VOID(SWSCALE, sws_freeContext, (struct SwsContext * c), (c))                                  \
    F(SWSCALE, struct SwsContext *, sws_getContext,                                               \
      (int sw, int sh, enum AVPixelFormat sf, int dw, int dh, enum AVPixelFormat df, int fl,      \
       SwsFilter *a, SwsFilter *b, const double *p),                                              \
      (sw, sh, sf, dw, dh, df, fl, a, b, p))                                                      \
    F(SWSCALE, int, sws_scale_frame, (struct SwsContext * c, AVFrame *d, const AVFrame *s), (c, d, s)) \
    F(AVCODEC, AVPacket *, av_packet_alloc, (void), ())                                           \
    VOID(AVCODEC, av_packet_free, (AVPacket * *p), (p))                                           \
    F(AVCODEC, int, av_packet_ref, (AVPacket * d, const AVPacket *s), (d, s))                     \
    VOID(AVCODEC, av_packet_rescale_ts, (AVPacket * p, AVRational a, AVRational b), (p, a, b))    \
    VOID(AVCODEC, av_packet_unref, (AVPacket * p), (p))                                           \
    F(AVCODEC, AVCodecContext *, avcodec_alloc_context3, (const AVCodec *c), (c))                 \
    F(AVCODEC, const AVCodec *, avcodec_find_decoder, (enum AVCodecID i), (i))                    \
    F(AVCODEC, const AVCodec *, avcodec_find_encoder_by_name, (const char *n), (n))               \
    VOID(AVCODEC, avcodec_free_context, (AVCodecContext * *c), (c))                               \
    F(AVCODEC, const char *, avcodec_get_name, (enum AVCodecID i), (i))                           \
    F(AVCODEC, int, avcodec_open2, (AVCodecContext * c, const AVCodec *k, AVDictionary **o), (c, k, o)) \
    F(AVCODEC, int, avcodec_parameters_from_context, (AVCodecParameters * p, const AVCodecContext *c), (p, c)) \
    F(AVCODEC, int, avcodec_parameters_to_context, (AVCodecContext * c, const AVCodecParameters *p), (c, p)) \
    F(AVCODEC, int, avcodec_receive_frame, (AVCodecContext * c, AVFrame *f), (c, f))              \
    F(AVCODEC, int, avcodec_receive_packet, (AVCodecContext * c, AVPacket *p), (c, p))            \
    F(AVCODEC, int, avcodec_send_frame, (AVCodecContext * c, const AVFrame *f), (c, f))           \
    F(AVCODEC, int, avcodec_send_packet, (AVCodecContext * c, const AVPacket *p), (c, p))         \
    F(AVFORMAT, int, av_find_best_stream,                                                         \
      (AVFormatContext * c, enum AVMediaType t, int w, int r, const AVCodec **d, int f), (c, t, w, r, d, f)) \
    F(AVFORMAT, const AVInputFormat *, av_find_input_format, (const char *n), (n))                \
    F(AVFORMAT, AVRational, av_guess_sample_aspect_ratio, (AVFormatContext * c, AVStream *s, AVFrame *f), (c, s, f)) \
    F(AVFORMAT, int, av_interleaved_write_frame, (AVFormatContext * c, AVPacket *p), (c, p))      \
    F(AVFORMAT, int, av_read_frame, (AVFormatContext * c, AVPacket *p), (c, p))                   \
    F(AVFORMAT, uint8_t *, av_stream_get_side_data,                                               \
      (const AVStream *s, enum AVPacketSideDataType t, size_t *n), (s, t, n))                     \
    F(AVFORMAT, int, av_write_trailer, (AVFormatContext * c), (c))                                \
    F(AVFORMAT, int, avformat_alloc_output_context2,                                              \
      (AVFormatContext * *c, const AVOutputFormat *o, const char *n, const char *f), (c, o, n, f)) \
    VOID(AVFORMAT, avformat_close_input, (AVFormatContext * *c), (c))                             \
    F(AVFORMAT, int, avformat_find_stream_info, (AVFormatContext * c, AVDictionary **o), (c, o))  \
    VOID(AVFORMAT, avformat_free_context, (AVFormatContext * c), (c))                             \
    F(AVFORMAT, AVStream *, avformat_new_stream, (AVFormatContext * c, const AVCodec *k), (c, k)) \
    F(AVFORMAT, int, avformat_open_input,                                                         \
      (AVFormatContext * *c, const char *u, const AVInputFormat *f, AVDictionary **o), (c, u, f, o)) \
    F(AVFORMAT, int, avformat_write_header, (AVFormatContext * c, AVDictionary **o), (c, o))      \
    F(AVFORMAT, int, avio_closep, (AVIOContext * *c), (c))                                        \
    F(AVFORMAT, int, avio_open, (AVIOContext * *c, const char *u, int f), (c, u, f))

// Where each loaded function is, typed from FFmpeg's own declaration.
#define POINTER(library, result, name, parameters, arguments) static __typeof__(name) *loaded_##name;
#define POINTER_VOID(library, name, parameters, arguments) static __typeof__(name) *loaded_##name;
FFMPEG_FUNCTIONS(POINTER, POINTER_VOID)

struct binding {
    enum library library;
    const char *name;
    void **address;
};

#define BINDING(library, result, name, parameters, arguments) {library, #name, (void **)&loaded_##name},
#define BINDING_VOID(library, name, parameters, arguments) {library, #name, (void **)&loaded_##name},
static const struct binding bindings[] = {FFMPEG_FUNCTIONS(BINDING, BINDING_VOID)};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int outcome = -1;
static char reason[512] = "FFmpeg was not loaded";

/// dlopens every library, then binds every function; on failure keeps the first reason. The
/// handles are never closed: FFmpeg stays for the life of the process once it is needed.
static void load_libraries(void) {
    void *handles[LIBRARIES];
    for (int i = 0; i < LIBRARIES; i++) {
        handles[i] = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
        if (!handles[i]) {
            const char *error = dlerror();
            snprintf(reason, sizeof reason, "cannot load %s: %s", sonames[i], error ? error : "unknown error");
            return;
        }
    }
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
        void *address = dlsym(handles[bindings[i].library], bindings[i].name);
        if (!address) {
            snprintf(reason, sizeof reason, "%s has no %s", sonames[bindings[i].library], bindings[i].name);
            return;
        }
        *bindings[i].address = address;
    }
    __atomic_store_n(&outcome, 0, __ATOMIC_RELEASE);
}

int CFFmpegLoader_load(char *message, size_t message_size) {
    pthread_once(&once, load_libraries);
    if (outcome != 0 && message && message_size > 0)
        snprintf(message, message_size, "%s", reason);
    return outcome;
}

int CFFmpegLoader_isLoaded(void) {
    return __atomic_load_n(&outcome, __ATOMIC_ACQUIRE) == 0;
}

/// Loads before the first call; a failure here is a caller that skipped `CFFmpegLoader_load`.
static inline void ensure_loaded(void) {
    if (__builtin_expect(CFFmpegLoader_load(NULL, 0) == 0, 1))
        return;
    fprintf(stderr, "FFmpeg is not available: %s\n", reason);
    abort();
}

// The functions Swift calls: load if needed, then forward.
#define FORWARD(library, result, name, parameters, arguments) \
    result name parameters {                                  \
        ensure_loaded();                                      \
        return loaded_##name arguments;                       \
    }
#define FORWARD_VOID(library, name, parameters, arguments) \
    void name parameters {                                 \
        ensure_loaded();                                   \
        loaded_##name arguments;                           \
    }
FFMPEG_FUNCTIONS(FORWARD, FORWARD_VOID)

#pragma GCC visibility pop
