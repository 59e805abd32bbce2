#include "imaging_shims.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct af_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int truncated;
} af_jpeg_error;

static void af_jpeg_error_exit(j_common_ptr info) {
    af_jpeg_error *error = (af_jpeg_error *)info->err;
    longjmp(error->jump, 1);
}

/* Warnings (level -1) are where libjpeg reports a stream that ends early; it would otherwise pad
 * the image with gray and succeed. Trace messages (level >= 0) are ignored. Nothing is printed. */
static void af_jpeg_emit_message(j_common_ptr info, int level) {
    af_jpeg_error *error = (af_jpeg_error *)info->err;
    if (level < 0) {
        if (error->manager.msg_code == JWRN_JPEG_EOF) error->truncated = 1;
        error->manager.num_warnings++;
    }
}

static void af_jpeg_output_message(j_common_ptr info) { (void)info; }

int af_jpeg_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                   uint8_t **out, uint32_t *width, uint32_t *height, int *channels,
                   char *message, size_t message_capacity) {
    struct jpeg_decompress_struct info;
    af_jpeg_error error;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row_buffer = NULL;
    memset(&info, 0, sizeof(info));
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = af_jpeg_error_exit;
    error.manager.emit_message = af_jpeg_emit_message;
    error.manager.output_message = af_jpeg_output_message;
    error.truncated = 0;
    if (setjmp(error.jump)) {
        if (message && message_capacity) {
            char text[JMSG_LENGTH_MAX];
            (*error.manager.format_message)((j_common_ptr)&info, text);
            snprintf(message, message_capacity, "%s", text);
        }
        jpeg_destroy_decompress(&info);
        free(pixels);
        free(row_buffer);
        return AF_ERR_CORRUPT;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)length);
    jpeg_read_header(&info, TRUE);
    if ((uint64_t)info.image_width * (uint64_t)info.image_height > max_pixels) {
        if (message && message_capacity)
            snprintf(message, message_capacity, "%ux%u exceeds the pixel limit", info.image_width, info.image_height);
        jpeg_destroy_decompress(&info);
        return AF_ERR_TOO_LARGE;
    }
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t out_width = info.output_width, out_height = info.output_height;
    size_t components = (size_t)info.output_components;
    if ((cmyk && components != 4) || (!cmyk && components != 3)) {
        if (message && message_capacity) snprintf(message, message_capacity, "unsupported JPEG color layout");
        jpeg_destroy_decompress(&info);
        return AF_ERR_CORRUPT;
    }
    pixels = (uint8_t *)malloc(out_width * out_height * 3 + 1);
    row_buffer = (uint8_t *)malloc(out_width * components + 1);
    if (!pixels || !row_buffer) {
        jpeg_destroy_decompress(&info);
        free(pixels); free(row_buffer);
        return AF_ERR_NOMEM;
    }
    int adobe_inverted = info.saw_Adobe_marker;
    while (info.output_scanline < info.output_height && !error.truncated) {
        size_t row = info.output_scanline;
        JSAMPROW target = cmyk ? (JSAMPROW)row_buffer : (JSAMPROW)(pixels + row * out_width * 3);
        if (jpeg_read_scanlines(&info, &target, 1) != 1) break;
        if (cmyk) {
            uint8_t *destination = pixels + row * out_width * 3;
            for (size_t x = 0; x < out_width; x++) {
                unsigned c = row_buffer[x * 4], m = row_buffer[x * 4 + 1], y = row_buffer[x * 4 + 2], k = row_buffer[x * 4 + 3];
                if (!adobe_inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                destination[x * 3] = (uint8_t)(c * k / 255);
                destination[x * 3 + 1] = (uint8_t)(m * k / 255);
                destination[x * 3 + 2] = (uint8_t)(y * k / 255);
            }
        }
    }
    if (error.truncated || info.output_scanline < info.output_height) {
        if (message && message_capacity) snprintf(message, message_capacity, "the JPEG data ends before the image does");
        jpeg_destroy_decompress(&info);
        free(pixels); free(row_buffer);
        return AF_ERR_TRUNCATED;
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(row_buffer);
    if (error.truncated) { free(pixels); return AF_ERR_TRUNCATED; }
    *out = pixels;
    *width = (uint32_t)out_width;
    *height = (uint32_t)out_height;
    *channels = 3;
    return AF_OK;
}
