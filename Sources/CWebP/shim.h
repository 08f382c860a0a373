#ifndef CWEBP_SHIM_H
#define CWEBP_SHIM_H
// libwebp's simple encoding API: encodes raw pixels into a bare VP8 container, which carries
// no EXIF, ICC or XMP chunk (libvips' webpsave writes them even with strip).
#include <webp/encode.h>
#endif
