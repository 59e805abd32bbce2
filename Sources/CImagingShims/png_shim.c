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

int af_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                  uint8_t **out, uint32_t *width, uint32_t *height, int *channels,
                  char *message, size_t message_capacity) {
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, length)) {
        if (message && message_capacity) snprintf(message, message_capacity, "%s", image.message);
        png_image_free(&image);
        return AF_ERR_CORRUPT;
    }
    if ((uint64_t)image.width * (uint64_t)image.height > max_pixels) {
        if (message && message_capacity)
            snprintf(message, message_capacity, "%ux%u exceeds the pixel limit", image.width, image.height);
        png_image_free(&image);
        return AF_ERR_TOO_LARGE;
    }
    int has_alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    image.format = has_alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
    size_t count = (size_t)PNG_IMAGE_SIZE(image);
    uint8_t *pixels = (uint8_t *)malloc(count ? count : 1);
    if (!pixels) { png_image_free(&image); return AF_ERR_NOMEM; }
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        if (message && message_capacity) snprintf(message, message_capacity, "%s", image.message);
        int truncated = strstr(image.message, "Read Error") != NULL || strstr(image.message, "EOF") != NULL
                        || strstr(image.message, "Not enough image data") != NULL;
        free(pixels);
        png_image_free(&image);
        return truncated ? AF_ERR_TRUNCATED : AF_ERR_CORRUPT;
    }
    *out = pixels;
    *width = image.width;
    *height = image.height;
    *channels = has_alpha ? 4 : 3;
    return AF_OK;
}

void af_free(void *pointer) { free(pointer); }
