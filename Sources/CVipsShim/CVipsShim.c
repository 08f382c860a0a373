// dladdr is a GNU extension.
#define _GNU_SOURCE
#include "CVipsShim.h"

#include <dlfcn.h>
#include <string.h>

/// The one optional libvips module we accept: HEIC and AVIF. The others in the system folder
/// (ImageMagick, PDF, OpenSlide, JPEG XL) are never loaded.
static const char *const allowed_module = "vips-heif." G_MODULE_SUFFIX;

/// `<folder of the libvips in this process>/vips-modules-<major>.<minor>`, where vips_init looks
/// by default; NULL when the library cannot be located. Free with g_free.
static char *system_module_folder(void) {
    Dl_info info;
    if (!dladdr((void *)vips_init, &info) || !info.dli_fname)
        return NULL;
    char *base = g_path_get_basename(info.dli_fname);
    gboolean is_vips = g_str_has_prefix(base, "libvips.");
    g_free(base);
    if (!is_vips)
        return NULL;
    char *dir = g_path_get_dirname(info.dli_fname);
    char *folder = g_strdup_printf("%s/vips-modules-%d.%d", dir, vips_version(0), vips_version(1));
    g_free(dir);
    return folder;
}

int CVipsShim_init(const char *argv0) {
    // vips_init dlopens every module under $VIPSHOME's libdir (the system one when unset), and
    // the ImageMagick, poppler and OpenSlide modules pull in dozens of libraries that we block
    // anyway. A prefix that cannot hold a folder makes it load none; the HEIF module is opened
    // by path when the first HEIC or AVIF arrives (CVipsShim_load_heif). libvips keeps the
    // libdir it derived, so the variable is put back afterwards: child processes (the vips CLI
    // among them) must not inherit it.
    char *previous = g_strdup(g_getenv("VIPSHOME"));
    g_setenv("VIPSHOME", "/dev/null", TRUE);
    int started = VIPS_INIT(argv0);
    if (previous)
        g_setenv("VIPSHOME", previous, TRUE);
    else
        g_unsetenv("VIPSHOME");
    g_free(previous);
    return started ? -1 : 0;
}

int CVipsShim_load_heif(void) {
    if (vips_type_find("VipsOperation", "heifload_buffer"))
        return 0; // built into this libvips, or loaded already
    char *folder = system_module_folder();
    if (!folder) {
        vips_error("CVipsShim_load_heif", "cannot locate the libvips module folder");
        return -1;
    }
    char *path = g_build_filename(folder, allowed_module, NULL);
    g_free(folder);
    GModule *module = g_module_open(path, G_MODULE_BIND_LAZY);
    if (!module) {
        vips_error("CVipsShim_load_heif", "cannot load %s: %s", path, g_module_error());
        g_free(path);
        return -1;
    }
    g_free(path);
    // The module registers GTypes, which cannot be unregistered.
    g_module_make_resident(module);
    // Its loader classes start as their parent's copy, blocked by CVipsShim_setup: allow them.
    vips_operation_block_set("VipsForeignLoadHeif", FALSE);
    return 0;
}

int CVipsShim_operation_exists(const char *nickname) {
    return vips_type_find("VipsOperation", nickname) != 0;
}

static const char *const allowed_loaders[] = {
    "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
    "VipsForeignLoadNsgif", "VipsForeignLoadHeif",
};

int CVipsShim_setup(void) {
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (size_t i = 0; i < sizeof(allowed_loaders) / sizeof(allowed_loaders[0]); i++)
        vips_operation_block_set(allowed_loaders[i], FALSE);
    return 0;
}

static CVipsShim_log_fn log_target = NULL;

static void forward_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain;
    (void)data;
    if (log_target)
        log_target((int)level, message ? message : "");
}

void CVipsShim_set_log_handler(CVipsShim_log_fn fn) {
    log_target = fn;
    g_log_set_handler("VIPS",
                      G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                      forward_log, NULL);
}

int CVipsShim_new_from_buffer(const void *buf, size_t len, int access, VipsImage **out) {
    *out = vips_image_new_from_buffer(buf, len, "", "access", access, NULL);
    return *out ? 0 : -1;
}

int CVipsShim_load_buffer(int format, const void *buf, size_t len, int fail_on, VipsImage **out) {
    void *b = (void *)buf;
    switch (format) {
    case CVipsShim_FORMAT_JPEG:
        return vips_jpegload_buffer(b, len, out, "fail_on", fail_on, NULL);
    case CVipsShim_FORMAT_PNG:
        return vips_pngload_buffer(b, len, out, "fail_on", fail_on, NULL);
    case CVipsShim_FORMAT_WEBP:
        return vips_webpload_buffer(b, len, out, "fail_on", fail_on, NULL);
    case CVipsShim_FORMAT_GIF:
        return vips_gifload_buffer(b, len, out, "fail_on", fail_on, NULL);
    case CVipsShim_FORMAT_HEIF:
        return vips_heifload_buffer(b, len, out, "fail_on", fail_on, NULL);
    default:
        vips_error("CVipsShim_load_buffer", "unknown format %d", format);
        return -1;
    }
}

int CVipsShim_thumbnail_buffer(const void *buf, size_t len, int width, int height, int size,
                               int crop, const char *export_profile, const char *import_profile,
                               const char *option_string, VipsImage **out) {
    void *b = (void *)buf;
    const char *opts = option_string ? option_string : "";
    if (export_profile && import_profile)
        return vips_thumbnail_buffer(b, len, out, width, "height", height, "size", size,
                                     "crop", crop, "export_profile", export_profile,
                                     "import_profile", import_profile, "option_string", opts, NULL);
    if (export_profile)
        return vips_thumbnail_buffer(b, len, out, width, "height", height, "size", size,
                                     "crop", crop, "export_profile", export_profile,
                                     "option_string", opts, NULL);
    return vips_thumbnail_buffer(b, len, out, width, "height", height, "size", size,
                                 "crop", crop, "option_string", opts, NULL);
}

int CVipsShim_jpeg_thumbnail_buffer(const void *buf, size_t len, int shrink, int width, int height,
                                    const char *export_profile, const char *import_profile,
                                    int fail_on, VipsImage **out) {
    VipsImage *decoded = NULL;
    // Sequential: the pixels stream through the resize as the caller renders the result.
    // Random access would decode the whole (shrunk) image into memory first, through
    // libvips' thread pool.
    if (vips_jpegload_buffer((void *)buf, len, &decoded, "shrink", shrink, "fail_on", fail_on,
                             "access", VIPS_ACCESS_SEQUENTIAL, NULL))
        return -1;
    // The box applies to the upright image, so it turns with a quarter-turn orientation. The
    // rotation itself is left to the caller (CVipsShim_autorot on the rendered image):
    // thumbnail would render the resized image through the thread pool to rotate it.
    int swap = vips_image_get_orientation_swap(decoded);
    int box_width = swap ? height : width;
    int box_height = swap ? width : height;
    int rc;
    if (export_profile && !import_profile && decoded->Type == VIPS_INTERPRETATION_CMYK &&
        vips_image_get_typeof(decoded, VIPS_META_ICC_NAME)) {
        // libvips 8.14's thumbnail refuses many embedded CMYK profiles ("profile incompatible
        // with image") and falls back to its generic CMYK profile: convert through the
        // embedded one explicitly, then resize what is already sRGB.
        VipsImage *converted = NULL;
        rc = vips_icc_transform(decoded, &converted, export_profile, "embedded", TRUE, NULL);
        g_object_unref(decoded);
        if (rc)
            return rc;
        rc = vips_thumbnail_image(converted, out, box_width, "height", box_height, "size", VIPS_SIZE_DOWN,
                                  "no_rotate", TRUE, NULL);
        g_object_unref(converted);
        return rc;
    }
    if (export_profile && import_profile)
        rc = vips_thumbnail_image(decoded, out, box_width, "height", box_height, "size", VIPS_SIZE_DOWN,
                                  "no_rotate", TRUE, "export_profile", export_profile,
                                  "import_profile", import_profile, NULL);
    else if (export_profile)
        rc = vips_thumbnail_image(decoded, out, box_width, "height", box_height, "size", VIPS_SIZE_DOWN,
                                  "no_rotate", TRUE, "export_profile", export_profile, NULL);
    else
        rc = vips_thumbnail_image(decoded, out, box_width, "height", box_height, "size", VIPS_SIZE_DOWN,
                                  "no_rotate", TRUE, NULL);
    g_object_unref(decoded);
    return rc;
}

int CVipsShim_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

int CVipsShim_thumbnail_image(VipsImage *in, int width, int height, int size, int crop,
                              VipsImage **out) {
    if (crop != VIPS_INTERESTING_CENTRE)
        return vips_thumbnail_image(in, out, width, "height", height, "size", size, "crop", crop,
                                    "no_rotate", TRUE, NULL);
    // thumbnail's crop mode renders the resized image into memory through the thread pool
    // before it cuts the centre out. The same resize (the shrink of the axis that fills the
    // box: a fit with the other axis unbounded) and the same centre extract, left lazy, give
    // the same pixels and leave the rendering to the caller.
    double hshrink = (double)in->Xsize / width;
    double vshrink = (double)in->Ysize / height;
    int fit_width = hshrink < vshrink ? width : VIPS_MAX_COORD;
    int fit_height = hshrink < vshrink ? VIPS_MAX_COORD : height;
    VipsImage *fitted = NULL;
    if (vips_thumbnail_image(in, &fitted, fit_width, "height", fit_height, "size", size,
                             "no_rotate", TRUE, NULL))
        return -1;
    int crop_width = VIPS_MIN(width, fitted->Xsize);
    int crop_height = VIPS_MIN(height, fitted->Ysize);
    int rc = vips_extract_area(fitted, out, (fitted->Xsize - crop_width) / 2,
                               (fitted->Ysize - crop_height) / 2, crop_width, crop_height, NULL);
    g_object_unref(fitted);
    return rc;
}

int CVipsShim_to_srgb8(VipsImage *in, VipsImage **out) {
    VipsImage *srgb = NULL;
    if (vips_colourspace(in, &srgb, VIPS_INTERPRETATION_sRGB, NULL))
        return -1;
    int rc = vips_cast_uchar(srgb, out, NULL);
    g_object_unref(srgb);
    return rc;
}

int CVipsShim_flatten_white(VipsImage *in, VipsImage **out) {
    if (!vips_image_hasalpha(in)) {
        g_object_ref(in);
        *out = in;
        return 0;
    }
    VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    int rc = vips_flatten(in, out, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    return rc;
}

int CVipsShim_copy_memory(VipsImage *in, VipsImage **out) {
    *out = vips_image_copy_memory(in);
    return *out ? 0 : -1;
}

/// Output rows computed per request in `CVipsShim_render_memory`: enough to amortise each
/// request's set-up, few enough that the intermediate buffers of a large source stay small.
static const int render_strip_rows = 128;

int CVipsShim_render_memory(VipsImage *in, VipsImage **out) {
    *out = NULL;
    switch (in->dtype) {
    case VIPS_IMAGE_SETBUF:
    case VIPS_IMAGE_SETBUF_FOREIGN:
    case VIPS_IMAGE_MMAPIN:
    case VIPS_IMAGE_MMAPINRW:
        return CVipsShim_copy_memory(in, out); // already addressable: a new reference
    default:
        break;
    }
    if (vips_image_pio_input(in))
        return -1;
    VipsImage *memory = vips_image_new_memory();
    if (vips_image_pipelinev(memory, VIPS_DEMAND_STYLE_THINSTRIP, in, NULL) ||
        vips_image_write_prepare(memory)) {
        g_object_unref(memory);
        return -1;
    }
    VipsRegion *from = vips_region_new(in);
    VipsRegion *to = vips_region_new(memory);
    VipsRect all = {0, 0, in->Xsize, in->Ysize};
    int rc = from && to && vips_region_image(to, &all) == 0 ? 0 : -1;
    // Top to bottom, as a sequential loader needs; each strip is generated straight into the
    // memory image's rows.
    for (int top = 0; rc == 0 && top < in->Ysize; top += render_strip_rows) {
        VipsRect strip = {0, top, in->Xsize, VIPS_MIN(render_strip_rows, in->Ysize - top)};
        rc = vips_region_prepare_to(from, to, &strip, 0, top);
    }
    if (from)
        g_object_unref(from);
    if (to)
        g_object_unref(to);
    if (rc) {
        g_object_unref(memory);
        return -1;
    }
    *out = memory;
    return 0;
}

int CVipsShim_jpegsave_buffer(VipsImage *in, int quality, int interlace, void **out, size_t *len) {
    return vips_jpegsave_buffer(in, out, len, "Q", quality, "interlace", interlace, "strip", TRUE, NULL);
}

int CVipsShim_jpegsave_buffer_keep(VipsImage *in, int quality, void **out, size_t *len) {
    return vips_jpegsave_buffer(in, out, len, "Q", quality, NULL);
}

int CVipsShim_pngsave_buffer(VipsImage *in, void **out, size_t *len) {
    return vips_pngsave_buffer(in, out, len, "strip", TRUE, NULL);
}

int CVipsShim_webpsave_buffer(VipsImage *in, int quality, void **out, size_t *len) {
    return vips_webpsave_buffer(in, out, len, "Q", quality, "strip", TRUE, NULL);
}

void CVipsShim_set_orientation(VipsImage *image, int orientation) {
    vips_image_set_int(image, VIPS_META_ORIENTATION, orientation);
}

static gint watched_live = 0;

static void watched_finalized(gpointer data, GObject *where) {
    (void)data;
    (void)where;
    g_atomic_int_add(&watched_live, -1);
}

void CVipsShim_watch(VipsImage *image) {
    g_atomic_int_inc(&watched_live);
    g_object_weak_ref(G_OBJECT(image), watched_finalized, NULL);
}

int CVipsShim_watched_live(void) {
    return g_atomic_int_get(&watched_live);
}
