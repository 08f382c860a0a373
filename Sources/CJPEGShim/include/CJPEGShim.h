#ifndef CJPEGSHIM_H
#define CJPEGSHIM_H

#include <stddef.h>

/// Encodes packed 8-bit pixels (`bands` 1 = grey, 3 = RGB; rows `stride` bytes apart) as a
/// baseline or progressive (`progressive` != 0) JPEG at `quality` 1…100, with 4:2:0 chroma
/// subsampling when `subsample` != 0 (else 4:4:4). Nothing but the image is written: no JFIF,
/// EXIF, ICC or other APPn marker. Progressive scans get optimised Huffman tables (libjpeg
/// always does that), baseline ones the standard tables.
///
/// Returns 0 with `*out` (free with `CJPEGShim_free`) and `*length` set, or -1 with
/// libjpeg's message in `message` (at most `message_size` bytes, NUL-terminated). libjpeg's
/// error exit jumps back into this function only: no jump crosses the caller's frames.
int CJPEGShim_encode(const unsigned char *pixels, int width, int height, int bands, size_t stride,
                     int quality, int progressive, int subsample, unsigned char **out,
                     size_t *length, char *message, size_t message_size);

/// Frees a buffer returned by `CJPEGShim_encode`.
void CJPEGShim_free(void *buffer);

#endif
