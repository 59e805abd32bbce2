/* See include/EngineInt8.h. */
#include "EngineInt8.h"
#include "EnginePrecision.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AFK_X86 1
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))
#endif

static inline int8_t round_s8(float v) {
    float r = rintf(v);
    if (r > 127.0f) r = 127.0f;
    if (r < -127.0f) r = -127.0f;
    return (int8_t)r;
}

/* ---------- plain C ---------- */

static float row_max_plain(const float *x, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; i++) { float a = fabsf(x[i]); if (a > m) m = a; }
    return m;
}

static void quantize_plain(const float *x, size_t n, float inv, int8_t *q) {
    for (size_t i = 0; i < n; i++) q[i] = round_s8(x[i] * inv);
}

static void dequant_row_plain(const int32_t *acc, float rs, const float *cs, size_t n, float *out, int accumulate) {
    if (accumulate) { for (size_t c = 0; c < n; c++) out[c] += rs * cs[c] * (float)acc[c]; }
    else { for (size_t c = 0; c < n; c++) out[c] = rs * cs[c] * (float)acc[c]; }
}

/* ---------- AVX2 ---------- */

#ifdef AFK_X86
AVX2 static float row_max_avx2(const float *x, size_t n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
    float lanes[8];
    _mm256_storeu_ps(lanes, m);
    float r = 0;
    for (int l = 0; l < 8; l++) if (lanes[l] > r) r = lanes[l];
    for (; i < n; i++) { float a = fabsf(x[i]); if (a > r) r = a; }
    return r;
}

/* 32 floats -> 32 int8 in order (packs interleave 128-bit lanes; the permute puts them back). */
AVX2 static void quantize_avx2(const float *x, size_t n, float inv, int8_t *q) {
    const __m256 s = _mm256_set1_ps(inv);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + i), s));
        __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + i + 8), s));
        __m256i c = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + i + 16), s));
        __m256i d = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + i + 24), s));
        __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
        __m256i abcd = _mm256_packs_epi16(ab, cd);
        abcd = _mm256_max_epi8(abcd, _mm256_set1_epi8(-127));
        _mm256_storeu_si256((__m256i *)(q + i), _mm256_permutevar8x32_epi32(abcd, order));
    }
    for (; i < n; i++) q[i] = round_s8(x[i] * inv);
}

AVX2 static void dequant_row_avx2(const int32_t *acc, float rs, const float *cs, size_t n, float *out, int accumulate) {
    const __m256 r = _mm256_set1_ps(rs);
    size_t c = 0;
    for (; c + 8 <= n; c += 8) {
        __m256 v = _mm256_mul_ps(_mm256_mul_ps(r, _mm256_loadu_ps(cs + c)),
                                 _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(acc + c))));
        if (accumulate) v = _mm256_add_ps(v, _mm256_loadu_ps(out + c));
        _mm256_storeu_ps(out + c, v);
    }
    for (; c < n; c++) out[c] = (accumulate ? out[c] : 0) + rs * cs[c] * (float)acc[c];
}

/* Column maxima of rows x [c0, c1), 8 columns at a time. */
AVX2 static void column_max_avx2(const float *src, size_t ld, size_t rows, size_t c0, size_t c1, float *mx) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    size_t c = c0;
    for (; c + 8 <= c1; c += 8) {
        __m256 m = _mm256_setzero_ps();
        for (size_t r = 0; r < rows; r++) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(src + r * ld + c)));
        _mm256_storeu_ps(mx + (c - c0), m);
    }
    for (; c < c1; c++) {
        float m = 0;
        for (size_t r = 0; r < rows; r++) { float a = fabsf(src[r * ld + c]); if (a > m) m = a; }
        mx[c - c0] = m;
    }
}

/* q[r][c] = round(src[r][c] * inv[c]) for 8 columns at a time. */
AVX2 static void column_quantize_avx2(const float *src, size_t ld, size_t rows, size_t c0, size_t c1, const float *inv,
                                      int8_t *q, size_t ldq) {
    for (size_t r = 0; r < rows; r++) {
        const float *s = src + r * ld;
        int8_t *d = q + r * ldq;
        size_t c = c0;
        for (; c + 8 <= c1; c += 8) {
            __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(s + c), _mm256_loadu_ps(inv + (c - c0))));
            __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
            __m128i w = _mm_packs_epi32(lo, hi);
            __m128i b = _mm_packs_epi16(w, w);
            b = _mm_max_epi8(b, _mm_set1_epi8(-127));
            _mm_storel_epi64((__m128i *)(d + c), b);
        }
        for (; c < c1; c++) d[c] = round_s8(s[c] * inv[c - c0]);
    }
}
#endif

static int use_avx2(void) { return (afk_cpu_features() & AFK_CPU_AVX2_FMA) != 0; }

void afk_quantize_rows_s8(int kind, const void *src, size_t ld, size_t cols, size_t row0, size_t row1,
                          int levels, int8_t *q, float *scales) {
    const float top = (float)(levels < 1 ? 1 : levels > 127 ? 127 : levels);
    float *wide = kind == 0 ? NULL : malloc(cols * sizeof(float) + 1);
    int v = use_avx2();
    for (size_t r = row0; r < row1; r++) {
        const float *x;
        if (kind == 0) {
            x = (const float *)src + r * ld;
        } else {
            const uint16_t *h = (const uint16_t *)src + r * ld;
            if (kind == 1) afk_f16_to_f32(h, wide, cols); else afk_bf16_to_f32(h, wide, cols);
            x = wide;
        }
        float m;
#ifdef AFK_X86
        m = v ? row_max_avx2(x, cols) : row_max_plain(x, cols);
#else
        m = row_max_plain(x, cols);
#endif
        float scale = m / top;
        scales[r] = scale;
        int8_t *d = q + r * cols;
        if (m == 0 || !isfinite(m)) {
            memset(d, 0, cols);
            if (!isfinite(m)) scales[r] = NAN;   /* propagates, as the f32 product would */
            continue;
        }
        float inv = top / m;
#ifdef AFK_X86
        if (v) { quantize_avx2(x, cols, inv, d); continue; }
#endif
        quantize_plain(x, cols, inv, d);
    }
    free(wide);
}

void afk_quantize_columns_s8(const float *src, size_t ld, size_t rows, size_t col0, size_t col1,
                             int levels, int8_t *q, size_t ldq, float *scales) {
    if (col1 <= col0) return;
    const float top = (float)(levels < 1 ? 1 : levels > 127 ? 127 : levels);
    size_t n = col1 - col0;
    float *inv = malloc(n * sizeof(float));
#ifdef AFK_X86
    if (use_avx2()) {
        column_max_avx2(src, ld, rows, col0, col1, inv);
    } else
#endif
    {
        for (size_t c = 0; c < n; c++) inv[c] = 0;
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < n; c++) { float a = fabsf(src[r * ld + col0 + c]); if (a > inv[c]) inv[c] = a; }
    }
    for (size_t c = 0; c < n; c++) {
        float m = inv[c];
        scales[col0 + c] = isfinite(m) ? m / top : NAN;
        inv[c] = (m == 0 || !isfinite(m)) ? 0 : top / m;
    }
#ifdef AFK_X86
    if (use_avx2()) {
        column_quantize_avx2(src, ld, rows, col0, col1, inv, q, ldq);
        free(inv);
        return;
    }
#endif
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < n; c++) q[r * ldq + col0 + c] = round_s8(src[r * ld + col0 + c] * inv[c]);
    free(inv);
}

void afk_dequantize_s32(const int32_t *acc, size_t lda, const float *row_scales, const float *col_scales,
                        size_t row0, size_t row1, size_t cols, float *out, size_t ldo, int accumulate) {
#ifdef AFK_X86
    if (use_avx2()) {
        for (size_t r = row0; r < row1; r++)
            dequant_row_avx2(acc + r * lda, row_scales[r], col_scales, cols, out + r * ldo, accumulate);
        return;
    }
#endif
    for (size_t r = row0; r < row1; r++)
        dequant_row_plain(acc + r * lda, row_scales[r], col_scales, cols, out + r * ldo, accumulate);
}
