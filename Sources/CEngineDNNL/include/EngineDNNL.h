#ifndef ARTFACTORY_ENGINE_DNNL_H
#define ARTFACTORY_ENGINE_DNNL_H
/* bf16 matrix products through oneDNN (Debian's libdnnl, which picks AVX-512 BF16 or AMX kernels
 * itself). One entry point: a batched, strided product with f32 output. Primitives are created once
 * per shape and kept; calls are serialised by one lock (oneDNN itself runs each call on every core). */
#include <stddef.h>
#include <stdint.h>

/* 1 when oneDNN created its CPU engine. */
int afk_dnnl_available(void);

/* The implementation oneDNN chose for the last primitive it created, e.g. "brg:avx512_core_bf16". */
const char *afk_dnnl_last_impl(void);

/* For p < batch, i < m, j < n:
 *   c[p*c_bs + i*c_rs + j] = alpha * sum_q a[p*a_bs + i*a_rs + q*a_cs] * b[p*b_bs + q*b_rs + j*b_cs]
 *                            (+ the previous c value when `accumulate`)
 * a and b hold bf16 bits; c is f32. Returns 0, or a oneDNN status code on failure. */
int afk_dnnl_matmul_bf16(int64_t batch, int64_t m, int64_t n, int64_t k,
                         const uint16_t *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                         const uint16_t *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                         float *c, int64_t c_bs, int64_t c_rs,
                         float alpha, int accumulate);

/* The same product with a and b as f32 (oneDNN's f32 matmul; faster than OpenBLAS sgemm for the UNet's
 * linear shapes on AVX-512 CPUs, see docs/benchmarks.md). */
int afk_dnnl_matmul_f32(int64_t batch, int64_t m, int64_t n, int64_t k,
                        const float *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                        const float *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                        float *c, int64_t c_bs, int64_t c_rs,
                        float alpha, int accumulate);

/* The same product of s8 matrices with exact s32 sums (no alpha, no accumulation): the int8 path's
 * products (VNNI or AMX-INT8 kernels where the CPU has them). */
int afk_dnnl_matmul_s8(int64_t batch, int64_t m, int64_t n, int64_t k,
                       const int8_t *a, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                       const int8_t *b, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                       int32_t *c, int64_t c_bs, int64_t c_rs);

/* y = conv2d(x, w) + bias for NCHW f32 `src` [n, ic, ih, iw], OIHW f32 `weights` [oc, ic, k, k], optional
 * f32 `bias` [oc], into NCHW f32 `dst` [n, oc, oh, ow] (square kernel, equal stride and padding on both axes).
 * With `bf16` set the convolution itself runs in bf16 (inputs rounded on the way in, f32 accumulation and
 * output). oneDNN picks its own layouts; inputs and outputs are reordered around the call. Primitives are
 * created once per shape and kept. Returns 0, or a oneDNN status code on failure. */
int afk_dnnl_conv2d(int bf16, int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t k, int64_t stride,
                    int64_t pad, const float *src, const float *weights, const float *bias, float *dst);

/* The implementation oneDNN chose for the last convolution it created, e.g. "brg:avx512_core". */
const char *afk_dnnl_last_conv_impl(void);

/* A convolution of bf16 NHWC `src` [n, ih, iw, ic] with OIHW f32 `weights` (rounded to bf16 inside) and
 * optional f32 `bias`, into NHWC `dst` [n, oh, ow, oc], bf16, or f32 when `dst_f32`; with `sum` the result
 * is added to what dst holds, then with `relu` clamped at 0 (oneDNN post-ops, in that order). For layer
 * chains kept in bf16 NHWC between convolutions (no reorders of activations). Returns 0 or a oneDNN status. */
int afk_dnnl_conv2d_nhwc_bf16(int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t k, int64_t stride, int64_t pad,
                              const uint16_t *src, const float *weights, const float *bias, void *dst, int dst_f32, int sum,
                              int relu);

/* Primitives created so far (for tests and diagnostics). */
int afk_dnnl_cached_primitives(void);
#endif
