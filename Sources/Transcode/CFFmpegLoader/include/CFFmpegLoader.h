#ifndef CFFMPEGLOADER_H
#define CFFMPEGLOADER_H

#include <stddef.h>

/// Loads FFmpeg's libraries (libavutil, libswresample, libswscale, libavcodec, libavformat, at
/// the major versions the headers name) and binds every function Transcode calls. Runs once per
/// process; later calls return the first outcome. 0 when every function is bound; otherwise -1
/// with the reason in `message` (`message_size` bytes, always terminated).
///
/// The executable does not link FFmpeg: a process that never meets a video (`process` on
/// photos, a photo worker, `--help`) does not pay for the loader binding those libraries and
/// the ~60 codec libraries they pull in. Each FFmpeg function Transcode calls is defined here
/// (hidden, so it stays inside the executable and never interposes on the libraries) and
/// forwards to the loaded one; a call before a successful load loads first, and aborts with
/// the reason when that fails (Transcode's entry points call this first and throw instead).
int CFFmpegLoader_load(char *message, size_t message_size);

/// 1 once FFmpeg's libraries are loaded in this process, else 0 (for tests and diagnostics).
int CFFmpegLoader_isLoaded(void);

#endif
