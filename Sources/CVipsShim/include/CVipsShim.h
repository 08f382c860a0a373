#ifndef CVIPSSHIM_H
#define CVIPSSHIM_H
#include <vips/vips.h>

/// Fixed-arity wrappers over libvips' variadic operations, so Swift can call them.
/// Each returns 0 on success and -1 on failure (the vips error buffer says why);
/// output images are +1 references owned by the caller.

/// Sets up libvips once: no operation cache, untrusted loaders blocked.
int CVipsShim_setup(void);

/// Loads an image header (and later pixels) from memory; `access` is a VipsAccess.
int CVipsShim_new_from_buffer(const void *buf, size_t len, int access, VipsImage **out);

/// Encodes to JPEG in memory (stripped). `*out` is freed with g_free.
int CVipsShim_jpegsave_buffer(VipsImage *in, int quality, int interlace, void **out, size_t *len);

/// Encodes to PNG in memory (stripped). `*out` is freed with g_free.
int CVipsShim_pngsave_buffer(VipsImage *in, void **out, size_t *len);

#endif
