#include "CVipsShim.h"

int CVipsShim_setup(void) {
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    return 0;
}

int CVipsShim_new_from_buffer(const void *buf, size_t len, int access, VipsImage **out) {
    *out = vips_image_new_from_buffer(buf, len, "", "access", access, NULL);
    return *out ? 0 : -1;
}

int CVipsShim_jpegsave_buffer(VipsImage *in, int quality, int interlace, void **out, size_t *len) {
    return vips_jpegsave_buffer(in, out, len, "Q", quality, "interlace", interlace, "strip", TRUE, NULL);
}

int CVipsShim_pngsave_buffer(VipsImage *in, void **out, size_t *len) {
    return vips_pngsave_buffer(in, out, len, "strip", TRUE, NULL);
}
