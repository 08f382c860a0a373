#ifndef CJPEG_SHIM_H
#define CJPEG_SHIM_H
// libjpeg(-turbo)'s compression API. jpeglib.h needs size_t and FILE declared first. Swift
// calls it only through CJPEGShim, which keeps libjpeg's longjmp error exits inside C.
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>
#endif
