#ifndef ARTFACTORY_ENGINE_KERNELS_H
#define ARTFACTORY_ENGINE_KERNELS_H
/* Point-wise and row kernels of the native engine, vectorised with AVX2 + FMA when the CPU has them
 * (checked once at run time) and plain C otherwise. exp and erf are polynomial approximations with a
 * relative error below 2e-7 (exp) and an absolute error below 2e-7 (erf), well inside the engine's
 * 1e-4 tolerance against PyTorch. */
#include <stddef.h>
#include "EnginePrecision.h"
#include "EngineInt8.h"

/* 1 when the AVX2 + FMA paths are in use. */
int afk_vectorized(void);

/* Numerically stable softmax of `rows` rows of `width` floats each, in place. */
void afk_softmax_rows(float *p, size_t rows, size_t width);

/* y[i] = x[i] * scale + shift, then SiLU (x * sigmoid(x)) when `silu` is non-zero. x and y may alias. */
void afk_scale_shift(const float *x, float *y, size_t n, float scale, float shift, int silu);

/* In place: SiLU, exact (erf) GELU, CLIP's quick GELU (x * sigmoid(1.702 x)). */
void afk_silu(float *p, size_t n);
void afk_gelu(float *p, size_t n);
void afk_quick_gelu(float *p, size_t n);

/* out[j] = a[j] * gelu(g[j]) for j < n (one GEGLU row). */
void afk_geglu(const float *a, const float *g, float *out, size_t n);

/* Sum and sum of squares of n floats, accumulated in double. */
void afk_sum_squares(const float *x, size_t n, double *sum, double *sum_sq);

/* Winograd F(2x2, 3x3) transforms for 3x3 convolutions with stride 1 and padding 1 (Lavin & Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2015). Tiles are numbered across the batch:
 * tile g is image g / T, tile row (g % T) / tiles_w, tile column (g % T) % tiles_w, where
 * T = tiles_h * tiles_w, tiles_h = ceil(h / 2), tiles_w = ceil(w / 2).
 *
 * Weights [cout][cin][3][3] -> u[16][cout][cin], for output channels [co_begin, co_end). */
void afk_winograd_weights(const float *w, float *u, size_t cout, size_t cin, size_t co_begin, size_t co_end);
/* The same transform from f16 (is_bf16 = 0) or bf16 (is_bf16 = 1) weights, widened one output channel at a time. */
void afk_winograd_weights_half(const uint16_t *w, int is_bf16, float *u, size_t cout, size_t cin,
                               size_t co_begin, size_t co_end);
/* Input [batch][cin][h][w] -> v[16][cin][ld] for tiles tile0 ..< tile0 + ntiles (column j = tile0 + j)
 * and input channels [c_begin, c_end). */
void afk_winograd_input(const float *x, float *v, size_t cin, size_t h, size_t w, size_t tile0, size_t ntiles,
                        size_t ld, size_t c_begin, size_t c_end);
/* m[16][cout][ld] -> output [batch][cout][h][w] (+ bias[co] when bias is not NULL) for the same tiles
 * and output channels [co_begin, co_end). */
void afk_winograd_output(const float *m, float *y, const float *bias, size_t cout, size_t h, size_t w,
                         size_t tile0, size_t ntiles, size_t ld, size_t co_begin, size_t co_end);

/* Fused (flash-style) attention of one head: out[r] = softmax(scale * q[r] . K^T) V for `rows` query rows,
 * without a rows x keys score matrix in memory. q: rows x d with row stride q_stride; k_panels: K packed
 * by afk_pack_key_panels; v: keys x d with row stride v_stride; out: rows x d with row stride out_stride.
 * d must be a multiple of 8 on the AVX2 path (the caller checks). Not causal. */
void afk_flash_attention(const float *q, size_t q_stride, const float *k_panels, const float *v,
                         size_t v_stride, float *out, size_t out_stride, size_t rows, size_t keys, size_t d,
                         float scale);
/* K (keys x d, row stride `stride`) as ceil(keys / 16) panels of d x 16 floats: panel p holds keys
 * 16p ..< 16p + 16, transposed (panel[c][l] = k[16p + l][c]), zero past `keys`. dst: ceil(keys/16) * 16 * d floats. */
void afk_pack_key_panels(const float *k, size_t keys, size_t d, size_t stride, float *dst);

/* The same with bf16 products (AVX-512 BF16's vdpbf16ps; f32 scores, softmax and accumulation): 1 when
 * this CPU has it. Q is rounded to bf16 inside; K and V come packed by the two functions below. d must be
 * even and a multiple of 8. On a CPU without AVX-512 BF16 afk_flash_attention_bf16 does nothing. */
int afk_flash_attention_bf16_supported(void);
void afk_flash_attention_bf16(const float *q, size_t q_stride, const uint16_t *k_panels, const uint16_t *v_pairs,
                              float *out, size_t out_stride, size_t rows, size_t keys, size_t d, float scale);
/* K as ceil(keys / 32) panels of d/2 x 32 x 2 bf16: panel[c/2][l][c%2] = k[32p + l][c], zero past `keys`
 * (ceil(keys / 32) * 32 * d values). */
void afk_pack_key_panels_bf16(const float *k, size_t keys, size_t d, size_t stride, uint16_t *dst);
/* V as ceil(keys / 2) pair rows of dp = d rounded up to 16 columns x 2 bf16: dst[jp][c][h] = v[2jp + h][c],
 * zero past `keys` and `d` (ceil(keys / 2) * dp * 2 values). */
void afk_pack_value_pairs_bf16(const float *v, size_t keys, size_t d, size_t stride, uint16_t *dst);

/* glibc only: serve allocations up to `mmap_threshold` bytes from the heap and keep up to
 * `trim_threshold` bytes of freed heap (mallopt M_MMAP_THRESHOLD / M_TRIM_THRESHOLD); no-op elsewhere. */
void afk_tune_allocator(int mmap_threshold, int trim_threshold);

#endif
