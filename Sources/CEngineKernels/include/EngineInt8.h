#ifndef ARTFACTORY_ENGINE_INT8_H
#define ARTFACTORY_ENGINE_INT8_H
/* Dynamic int8 quantisation for the engine's int8 compute path (Sources/ArtFactoryEngine/Precision/
 * Int8Products.swift): symmetric, one scale per row or per column, scale = max|x| / levels,
 * q = round(x / scale) (to nearest, ties to even), so that x ~ scale * q with |q| <= levels (1..127). A row or column of zeros gets scale 0
 * and zeros. The products of the quantised matrices run in oneDNN (s8 x s8 -> s32, VNNI or AMX where the
 * CPU has them) and afk_dequantize_s32 turns the s32 sums back into f32. AVX2 code where the CPU has it,
 * plain C otherwise (the same results). */
#include <stddef.h>
#include <stdint.h>

/* Rows [row0, row1) of a rows x cols matrix (row stride ld elements) of f32 (kind 0), f16 (kind 1) or bf16
 * (kind 2) values: q[r * cols + c] and scales[r]. */
void afk_quantize_rows_s8(int kind, const void *src, size_t ld, size_t cols, size_t row0, size_t row1,
                          int levels, int8_t *q, float *scales);

/* Columns [col0, col1) of a rows x cols f32 matrix (row stride ld): q[r * ldq + c] and scales[c]. */
void afk_quantize_columns_s8(const float *src, size_t ld, size_t rows, size_t col0, size_t col1,
                             int levels, int8_t *q, size_t ldq, float *scales);

/* For rows [row0, row1) and c < cols: out[r * ldo + c] = row_scales[r] * col_scales[c] * acc[r * lda + c],
 * added to what out holds when `accumulate`. */
void afk_dequantize_s32(const int32_t *acc, size_t lda, const float *row_scales, const float *col_scales,
                        size_t row0, size_t row1, size_t cols, float *out, size_t ldo, int accumulate);
#endif
