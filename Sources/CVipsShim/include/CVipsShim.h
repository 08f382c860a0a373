#ifndef CVIPSSHIM_H
#define CVIPSSHIM_H
#include <vips/vips.h>

/// Fixed-arity wrappers over libvips' variadic operations, so Swift can call them.
/// Each returns 0 on success and -1 on failure (the vips error buffer says why);
/// output images are +1 references owned by the caller.

/// Starts libvips (VIPS_INIT) without its optional loader modules (none of them enters the
/// process here). 0 or -1 (the vips error buffer says why).
int CVipsShim_init(const char *argv0);

/// Loads libvips' HEIF module (HEIC, AVIF) from the system module folder and allows its
/// loaders; nothing to do when libvips has them built in or they are loaded already. Call
/// after CVipsShim_setup, once per process (not thread-safe). 0 or -1 (the vips error buffer
/// says why; HEIF missing from the module folder is a failure).
int CVipsShim_load_heif(void);

/// Whether an operation with this nickname (e.g. "magickload") is registered.
int CVipsShim_operation_exists(const char *nickname);

/// Sets up libvips once: no operation cache, untrusted loaders blocked, and every loader
/// blocked except JPEG, PNG, WebP, GIF and HEIF (HEIC/AVIF).
int CVipsShim_setup(void);

/// Receives GLib log records of the "VIPS" domain (warnings and worse).
typedef void (*CVipsShim_log_fn)(int level, const char *message);

/// Routes "VIPS" domain GLib messages to `fn` instead of stderr.
void CVipsShim_set_log_handler(CVipsShim_log_fn fn);

/// Loads an image header (and later pixels) from memory; `access` is a VipsAccess.
int CVipsShim_new_from_buffer(const void *buf, size_t len, int access, VipsImage **out);

/// Input formats with an explicitly chosen loader.
enum CVipsShim_format {
    CVipsShim_FORMAT_JPEG = 1,
    CVipsShim_FORMAT_PNG = 2,
    CVipsShim_FORMAT_WEBP = 3,
    CVipsShim_FORMAT_GIF = 4,
    CVipsShim_FORMAT_HEIF = 5,
};

/// Opens `buf` with the loader for `format` (first page only); pixels decode lazily.
/// `fail_on` is a VipsFailOn. The buffer must outlive the image.
int CVipsShim_load_buffer(int format, const void *buf, size_t len, int fail_on, VipsImage **out);

/// Shrink-on-load thumbnail from memory: fits `width`×`height` (`size` is a VipsSize,
/// `crop` a VipsInteresting), auto-rotated, exported to `export_profile` when not NULL,
/// importing with `import_profile` when the image has no embedded profile and it is not NULL.
/// `option_string` goes to the loader (e.g. "fail_on=error"). The buffer must outlive `*out`.
int CVipsShim_thumbnail_buffer(const void *buf, size_t len, int width, int height, int size,
                               int crop, const char *export_profile, const char *import_profile,
                               const char *option_string, VipsImage **out);

/// JPEG decoded at 1/`shrink` scale in the DCT (1, 2, 4 or 8), then fitted so that once
/// upright it is inside `width`×`height` (never enlarged), and colour-managed as
/// `CVipsShim_thumbnail_buffer` does, on the shrunk image. Not rotated: the EXIF orientation
/// stays on `*out` for `CVipsShim_autorot` after rendering. `fail_on` is a VipsFailOn. The
/// buffer must outlive `*out`, which reads it sequentially: render it once, top to bottom.
int CVipsShim_jpeg_thumbnail_buffer(const void *buf, size_t len, int shrink, int width, int height,
                                    const char *export_profile, const char *import_profile,
                                    int fail_on, VipsImage **out);

/// Turns `in` upright by its EXIF orientation tag (removed from `*out`); random access, so
/// `in` should be in memory.
int CVipsShim_autorot(VipsImage *in, VipsImage **out);

/// Thumbnail of an image already in memory (no colour management, no rotation). Lazy, centre
/// crops included: nothing is rendered until the caller asks for pixels.
int CVipsShim_thumbnail_image(VipsImage *in, int width, int height, int size, int crop,
                              VipsImage **out);

/// Converts to 8-bit sRGB (1 or 2 band images gain colour; alpha is kept).
int CVipsShim_to_srgb8(VipsImage *in, VipsImage **out);

/// Flattens alpha onto white; images without alpha are returned as a new reference.
int CVipsShim_flatten_white(VipsImage *in, VipsImage **out);

/// Renders `in` into a memory image (pixels decoded once, then random access) through
/// libvips' thread pool.
int CVipsShim_copy_memory(VipsImage *in, VipsImage **out);

/// As `CVipsShim_copy_memory`, computed on the calling thread: strips of rows are generated
/// straight into the memory image, with no thread pool and so no hand-off between threads
/// (the same pixels; for images already in memory, a new reference).
int CVipsShim_render_memory(VipsImage *in, VipsImage **out);

/// Encodes to JPEG in memory (stripped). `*out` is freed with g_free.
int CVipsShim_jpegsave_buffer(VipsImage *in, int quality, int interlace, void **out, size_t *len);

/// Encodes to JPEG keeping metadata (orientation, profiles): for building test inputs.
int CVipsShim_jpegsave_buffer_keep(VipsImage *in, int quality, void **out, size_t *len);

/// Encodes to PNG in memory (stripped). `*out` is freed with g_free.
int CVipsShim_pngsave_buffer(VipsImage *in, void **out, size_t *len);

/// Encodes to WebP in memory with libvips (`strip` set; see INTEROP: metadata may remain).
int CVipsShim_webpsave_buffer(VipsImage *in, int quality, void **out, size_t *len);

/// Sets the EXIF orientation tag (1…8) on `image` (metadata only).
void CVipsShim_set_orientation(VipsImage *image, int orientation);

/// Counts `image` as watched until it is finalized (a GObject weak reference).
void CVipsShim_watch(VipsImage *image);

/// Watched images not yet finalized.
int CVipsShim_watched_live(void);

#endif
