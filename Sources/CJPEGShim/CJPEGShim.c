#include "CJPEGShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

/// libjpeg's error manager plus where to jump back to and where to put the message.
struct failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t message_size;
};

/// libjpeg calls this for fatal errors and must not return: record the text, jump back.
static void on_error(j_common_ptr cinfo) {
    struct failure *failure = (struct failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (failure->message && failure->message_size > 0) {
        strncpy(failure->message, text, failure->message_size - 1);
        failure->message[failure->message_size - 1] = '\0';
    }
    longjmp(failure->jump, 1);
}

/// Warnings and trace output would go to stderr: drop them (the encoder has no recoverable
/// warnings for well-formed pixels).
static void on_message(j_common_ptr cinfo) {
    (void)cinfo;
}

int CJPEGShim_encode(const unsigned char *pixels, int width, int height, int bands, size_t stride,
                     int quality, int progressive, int subsample, unsigned char **out,
                     size_t *length, char *message, size_t message_size) {
    struct jpeg_compress_struct cinfo;
    struct failure failure;
    // libjpeg updates these through the pointers jpeg_mem_dest keeps (the buffer grows as it
    // fills), so after a jump they name the buffer to free.
    unsigned char *buffer = NULL;
    unsigned long size = 0;

    *out = NULL;
    *length = 0;
    if (message_size > 0)
        message[0] = '\0';
    if (width < 1 || height < 1 || (bands != 1 && bands != 3) || stride < (size_t)width * bands) {
        if (message_size > 0)
            snprintf(message, message_size, "cannot encode %dx%d with %d bands as JPEG", width, height, bands);
        return -1;
    }

    cinfo.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = on_error;
    failure.manager.output_message = on_message;
    failure.message = message;
    failure.message_size = message_size;
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);

    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = bands;
    cinfo.in_color_space = bands == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive)
        jpeg_simple_progression(&cinfo);
    // jpeg_set_defaults subsamples chroma 2×2 (4:2:0); full-resolution chroma is 1×1 everywhere.
    if (!subsample) {
        for (int i = 0; i < cinfo.num_components; i++) {
            cinfo.comp_info[i].h_samp_factor = 1;
            cinfo.comp_info[i].v_samp_factor = 1;
        }
    }
    cinfo.write_JFIF_header = FALSE;
    cinfo.write_Adobe_marker = FALSE;

    jpeg_start_compress(&cinfo, TRUE);
    JSAMPROW rows[16];
    while (cinfo.next_scanline < cinfo.image_height) {
        JDIMENSION count = cinfo.image_height - cinfo.next_scanline;
        if (count > 16)
            count = 16;
        for (JDIMENSION i = 0; i < count; i++)
            rows[i] = (JSAMPROW)(pixels + (size_t)(cinfo.next_scanline + i) * stride);
        jpeg_write_scanlines(&cinfo, rows, count);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);

    *out = buffer;
    *length = size;
    return 0;
}

void CJPEGShim_free(void *buffer) {
    free(buffer);
}
