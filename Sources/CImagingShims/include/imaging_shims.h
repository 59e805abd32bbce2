#ifndef ARTFACTORY_IMAGING_SHIMS_H
#define ARTFACTORY_IMAGING_SHIMS_H
/* Small C layer over libpng's classic API and libjpeg-turbo: both report fatal errors by longjmp,
 * which Swift cannot catch, so every call is wrapped here and returns a status code plus a message.
 * Memory returned in *out is malloc'ed; release it with af_free. */
#include <stddef.h>
#include <stdint.h>

#define AF_OK 0
#define AF_ERR_CORRUPT 1
#define AF_ERR_TRUNCATED 2
#define AF_ERR_TOO_LARGE 3
#define AF_ERR_NOMEM 4
#define AF_ERR_ARGUMENT 5

typedef struct af_png_text {
    const char *key;      /* 1-79 Latin-1 bytes, NUL-terminated */
    const char *text;     /* bytes, NUL-terminated */
    size_t text_length;
    int kind;             /* 0: tEXt (Latin-1), 1: zTXt (Latin-1, deflated), 2: iTXt (UTF-8, uncompressed) */
} af_png_text;

/* Encodes 8-bit RGB (channels 3) or RGBA (channels 4) rows to PNG in memory.
 * level: zlib level 0-9; filter: -1 = adaptive (all), 0..4 = None/Sub/Up/Average/Paeth only;
 * strategy: zlib strategy (0 default, 1 filtered, 3 RLE). */
int af_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, size_t stride,
                  int level, int filter, int strategy, const af_png_text *texts, int text_count,
                  uint8_t **out, size_t *out_length, char *message, size_t message_capacity);

/* Decodes any PNG to 8-bit RGB or RGBA (alpha kept when the file has alpha or tRNS).
 * Fails with AF_ERR_TOO_LARGE before allocating when width*height > max_pixels. */
int af_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                  uint8_t **out, uint32_t *width, uint32_t *height, int *channels,
                  char *message, size_t message_capacity);

/* Decodes a baseline or progressive JPEG to 8-bit RGB (gray and CMYK are converted).
 * A stream that ends early is reported as AF_ERR_TRUNCATED rather than padded with gray. */
int af_jpeg_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                   uint8_t **out, uint32_t *width, uint32_t *height, int *channels,
                   char *message, size_t message_capacity);

void af_free(void *pointer);

#endif
