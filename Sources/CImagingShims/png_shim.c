#include "imaging_shims.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef struct af_buffer {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    int failed;
} af_buffer;

typedef struct af_png_context {
    jmp_buf jump;
    char *message;
    size_t message_capacity;
} af_png_context;

static void af_png_error(png_structp png, png_const_charp text) {
    af_png_context *context = (af_png_context *)png_get_error_ptr(png);
    if (context->message && context->message_capacity > 0) {
        snprintf(context->message, context->message_capacity, "%s", text ? text : "libpng error");
    }
    longjmp(context->jump, 1);
}

static void af_png_warning(png_structp png, png_const_charp text) {
    (void)png; (void)text;
}

static void af_png_write(png_structp png, png_bytep data, size_t length) {
    af_buffer *buffer = (af_buffer *)png_get_io_ptr(png);
    if (buffer->failed) return;
    if (buffer->length + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity < buffer->length + length) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(buffer->bytes, capacity);
        if (!grown) { buffer->failed = 1; png_error(png, "out of memory"); return; }
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, data, length);
    buffer->length += length;
}

static void af_png_flush(png_structp png) { (void)png; }

static int af_png_filter_mask(int filter) {
    switch (filter) {
    case 0: return PNG_FILTER_NONE;
    case 1: return PNG_FILTER_SUB;
    case 2: return PNG_FILTER_UP;
    case 3: return PNG_FILTER_AVG;
    case 4: return PNG_FILTER_PAETH;
    default: return PNG_ALL_FILTERS;
    }
}

int af_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                  int level, int filter, int strategy, const af_png_text *texts, int text_count,
                  uint8_t **out, size_t *out_length, char *message, size_t message_capacity) {
    if (!pixels || !out || !out_length || width == 0 || height == 0 || (channels != 3 && channels != 4)
        || stride < (size_t)width * (size_t)channels || level < 0 || level > 9 || text_count < 0) {
        if (message && message_capacity) snprintf(message, message_capacity, "invalid encoder arguments");
        return AF_ERR_ARGUMENT;
    }
    af_png_context context;
    context.message = message;
    context.message_capacity = message_capacity;
    af_buffer buffer = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, af_png_error, af_png_warning);
    if (!png) return AF_ERR_NOMEM;
    png_infop info = png_create_info_struct(png);
    png_textp volatile text_array = NULL;
    if (!info) { png_destroy_write_struct(&png, NULL); return AF_ERR_NOMEM; }
    if (setjmp(context.jump)) {
        png_destroy_write_struct(&png, &info);
        free(text_array);
        free(buffer.bytes);
        return buffer.failed ? AF_ERR_NOMEM : AF_ERR_ARGUMENT;
    }
    png_set_write_fn(png, &buffer, af_png_write, af_png_flush);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, af_png_filter_mask(filter));
    png_set_IHDR(png, info, width, height, 8, channels == 4 ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (text_count > 0) {
        text_array = (png_textp)calloc((size_t)text_count, sizeof(png_text));
        if (!text_array) png_error(png, "out of memory");
        for (int index = 0; index < text_count; index++) {
            int kind = texts[index].kind;
            text_array[index].compression = kind == 2 ? PNG_ITXT_COMPRESSION_NONE
                                          : kind == 1 ? PNG_TEXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE;
            text_array[index].key = (png_charp)texts[index].key;
            text_array[index].text = (png_charp)texts[index].text;
            if (kind == 2) {
                text_array[index].itxt_length = texts[index].text_length;
                text_array[index].lang = (png_charp)"";
                text_array[index].lang_key = (png_charp)"";
            } else {
                text_array[index].text_length = texts[index].text_length;
            }
        }
        png_set_text(png, info, text_array, text_count);
    }
    png_write_info(png, info);
    for (uint32_t row = 0; row < height; row++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)row * stride));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(text_array);
    *out = buffer.bytes;
    *out_length = buffer.length;
    return AF_OK;
}

typedef struct af_reader {
    const uint8_t *data;
    size_t length;
    size_t offset;
} af_reader;

static void af_png_read(png_structp png, png_bytep target, size_t length) {
    af_reader *reader = (af_reader *)png_get_io_ptr(png);
    if (length > reader->length - reader->offset) {
        png_error(png, "Read Error: the PNG data ends early");
        return;
    }
    memcpy(target, reader->data + reader->offset, length);
    reader->offset += length;
}

/* Classic API, so that samples are taken as stored: 16-bit is scaled to 8-bit (v/257, rounded) without the
 * linear-to-sRGB conversion the simplified API applies, and gAMA is not applied (as browsers and Pillow do). */
int af_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                  uint8_t **out, uint32_t *width, uint32_t *height, int *channels,
                  char *message, size_t message_capacity) {
    af_png_context context;
    context.message = message;
    context.message_capacity = message_capacity;
    af_reader reader = {data, length, 0};
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    volatile int result = AF_ERR_CORRUPT;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, af_png_error, af_png_warning);
    if (!png) return AF_ERR_NOMEM;
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); return AF_ERR_NOMEM; }
    if (setjmp(context.jump)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        if (result == AF_ERR_CORRUPT && message && strstr(message, "Read Error")) return AF_ERR_TRUNCATED;
        return result;
    }
    png_set_read_fn(png, &reader, af_png_read);
    png_set_user_limits(png, 1000000, 1000000);
    png_set_chunk_malloc_max(png, 16u << 20);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((uint64_t)w * (uint64_t)h > max_pixels) {
        if (message && message_capacity) snprintf(message, message_capacity, "%ux%u exceeds the pixel limit", w, h);
        result = AF_ERR_TOO_LARGE;
        longjmp(context.jump, 1);
    }
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (depth == 16) png_set_scale_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int count = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((count != 3 && count != 4) || png_get_bit_depth(png, info) != 8 || row_bytes != (size_t)w * (size_t)count) {
        if (message && message_capacity) snprintf(message, message_capacity, "unsupported PNG layout after conversion");
        longjmp(context.jump, 1);
    }
    pixels = (uint8_t *)malloc(row_bytes * h + 1);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * h + 1);
    if (!pixels || !rows) { result = AF_ERR_NOMEM; longjmp(context.jump, 1); }
    for (png_uint_32 y = 0; y < h; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    *out = pixels;
    *width = w;
    *height = h;
    *channels = count;
    return AF_OK;
}

void af_free(void *pointer) { free(pointer); }
