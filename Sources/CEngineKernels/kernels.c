/* See include/EngineKernels.h. The AVX2 functions carry target attributes so the file builds for the
 * baseline x86-64 (or any other) target; afk_vectorized() decides once which path runs. */
#include "EngineKernels.h"
#include <math.h>
#include <stdlib.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AFK_X86 1
#include <immintrin.h>
#endif

/* ---------- portable paths ---------- */

static void softmax_rows_c(float *p, size_t rows, size_t width) {
    for (size_t r = 0; r < rows; r++) {
        float *row = p + r * width;
        float m = -INFINITY;
        for (size_t j = 0; j < width; j++) if (row[j] > m) m = row[j];
        float sum = 0;
        for (size_t j = 0; j < width; j++) { float e = expf(row[j] - m); row[j] = e; sum += e; }
        float inv = 1.0f / sum;
        for (size_t j = 0; j < width; j++) row[j] *= inv;
    }
}

static void scale_shift_c(const float *x, float *y, size_t n, float scale, float shift, int silu) {
    if (silu) {
        for (size_t i = 0; i < n; i++) { float v = x[i] * scale + shift; y[i] = v / (1.0f + expf(-v)); }
    } else {
        for (size_t i = 0; i < n; i++) y[i] = x[i] * scale + shift;
    }
}

static void sigmoid_mul_c(float *p, size_t n, float k) {
    for (size_t i = 0; i < n; i++) { float v = p[i]; p[i] = v / (1.0f + expf(-k * v)); }
}

static void gelu_c(float *p, size_t n) {
    for (size_t i = 0; i < n; i++) { float v = p[i]; p[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)); }
}

static void geglu_c(const float *a, const float *g, float *out, size_t n) {
    for (size_t j = 0; j < n; j++) out[j] = a[j] * 0.5f * g[j] * (1.0f + erff(g[j] * 0.70710678118654752f));
}

static void sum_squares_c(const float *x, size_t n, double *sum, double *sum_sq) {
    double s = 0, s2 = 0;
    size_t i = 0;
    while (i < n) {
        size_t end = i + 256 < n ? i + 256 : n;
        float fs = 0, fs2 = 0;
        for (; i < end; i++) { fs += x[i]; fs2 += x[i] * x[i]; }
        s += fs; s2 += fs2;
    }
    *sum = s; *sum_sq = s2;
}

/* Fused attention reference: one row at a time, scores in a temporary row (see afk_flash_attention). */
static void flash_attention_c(const float *q, size_t q_stride, const float *kp, const float *v,
                              size_t v_stride, float *out, size_t out_stride, size_t rows, size_t keys, size_t d,
                              float scale) {
    float *row = malloc(keys * sizeof(float));
    if (!row) return;
    for (size_t r = 0; r < rows; r++) {
        const float *qr = q + r * q_stride;
        float mx = -INFINITY;
        for (size_t j = 0; j < keys; j++) {
            float acc = 0;
            const float *panel = kp + (j / 16) * 16 * d;
            for (size_t c = 0; c < d; c++) acc += qr[c] * panel[c * 16 + j % 16];
            row[j] = acc * scale;
            if (row[j] > mx) mx = row[j];
        }
        float sum = 0;
        for (size_t j = 0; j < keys; j++) { row[j] = expf(row[j] - mx); sum += row[j]; }
        float *o = out + r * out_stride;
        for (size_t c = 0; c < d; c++) o[c] = 0;
        for (size_t j = 0; j < keys; j++) {
            const float *vj = v + j * v_stride;
            for (size_t c = 0; c < d; c++) o[c] += row[j] * vj[c];
        }
        float inv = 1.0f / sum;
        for (size_t c = 0; c < d; c++) o[c] *= inv;
    }
    free(row);
}

#ifdef AFK_X86
/* ---------- AVX2 + FMA paths ---------- */
#define AVX2 __attribute__((target("avx2,fma")))

/* e^x: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial, 2^n through the exponent bits. */
AVX2 static inline __m256 exp8(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3365447504f);
    x = _mm256_max_ps(_mm256_min_ps(x, hi), lo);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201E-1f));
    __m256 r2 = _mm256_mul_ps(r, r);
    y = _mm256_fmadd_ps(y, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

/* erf(x) for the GELU: Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7), odd symmetry. */
AVX2 static inline __m256 erf8(__m256 x) {
    const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
    __m256 a = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(a, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.0f)));
    __m256 y = _mm256_set1_ps(1.061405429f);
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(-1.453152027f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(1.421413741f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(-0.284496736f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(0.254829592f));
    y = _mm256_mul_ps(y, t);
    __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(a, a)));
    __m256 r = _mm256_fnmadd_ps(y, e, _mm256_set1_ps(1.0f));
    return _mm256_or_ps(r, sign);
}

AVX2 static inline __m256 silu8(__m256 v, __m256 k) {
    __m256 e = exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_setzero_ps(), k), v));
    return _mm256_div_ps(v, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

AVX2 static inline __m256 gelu8(__m256 v) {
    __m256 e = erf8(_mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752f)));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

AVX2 static inline float hmax8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/* Lanes of the last partial vector: a mask for maskload/maskstore. */
AVX2 static inline __m256i tail_mask(size_t left) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), idx);
}

AVX2 static void softmax_rows_avx2(float *p, size_t rows, size_t width) {
    for (size_t r = 0; r < rows; r++) {
        float *row = p + r * width;
        size_t j = 0;
        __m256 vm = _mm256_set1_ps(-INFINITY);
        for (; j + 8 <= width; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(row + j));
        float m = hmax8(vm);
        for (; j < width; j++) if (row[j] > m) m = row[j];
        const __m256 mv = _mm256_set1_ps(m);
        __m256 vs = _mm256_setzero_ps();
        for (j = 0; j + 8 <= width; j += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), mv));
            _mm256_storeu_ps(row + j, e);
            vs = _mm256_add_ps(vs, e);
        }
        if (j < width) {
            __m256i mask = tail_mask(width - j);
            __m256 e = exp8(_mm256_sub_ps(_mm256_maskload_ps(row + j, mask), mv));
            e = _mm256_and_ps(e, _mm256_castsi256_ps(mask));
            _mm256_maskstore_ps(row + j, mask, e);
            vs = _mm256_add_ps(vs, e);
        }
        const __m256 inv = _mm256_set1_ps(1.0f / hsum8(vs));
        for (j = 0; j + 8 <= width; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
        for (; j < width; j++) row[j] *= _mm256_cvtss_f32(inv);
    }
}

AVX2 static void scale_shift_avx2(const float *x, float *y, size_t n, float scale, float shift, int silu) {
    const __m256 a = _mm256_set1_ps(scale), b = _mm256_set1_ps(shift), one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), a, b);
        _mm256_storeu_ps(y + i, silu ? silu8(v, one) : v);
    }
    if (i < n) {
        __m256i mask = tail_mask(n - i);
        __m256 v = _mm256_fmadd_ps(_mm256_maskload_ps(x + i, mask), a, b);
        _mm256_maskstore_ps(y + i, mask, silu ? silu8(v, one) : v);
    }
}

AVX2 static void sigmoid_mul_avx2(float *p, size_t n, float k) {
    const __m256 kv = _mm256_set1_ps(k);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, silu8(_mm256_loadu_ps(p + i), kv));
    if (i < n) {
        __m256i mask = tail_mask(n - i);
        _mm256_maskstore_ps(p + i, mask, silu8(_mm256_maskload_ps(p + i, mask), kv));
    }
}

AVX2 static void gelu_avx2(float *p, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, gelu8(_mm256_loadu_ps(p + i)));
    if (i < n) {
        __m256i mask = tail_mask(n - i);
        _mm256_maskstore_ps(p + i, mask, gelu8(_mm256_maskload_ps(p + i, mask)));
    }
}

AVX2 static void geglu_avx2(const float *a, const float *g, float *out, size_t n) {
    size_t j = 0;
    for (; j + 8 <= n; j += 8)
        _mm256_storeu_ps(out + j, _mm256_mul_ps(_mm256_loadu_ps(a + j), gelu8(_mm256_loadu_ps(g + j))));
    if (j < n) {
        __m256i mask = tail_mask(n - j);
        __m256 v = _mm256_mul_ps(_mm256_maskload_ps(a + j, mask), gelu8(_mm256_maskload_ps(g + j, mask)));
        _mm256_maskstore_ps(out + j, mask, v);
    }
}

AVX2 static void sum_squares_avx2(const float *x, size_t n, double *sum, double *sum_sq) {
    __m256d s = _mm256_setzero_pd(), s2 = _mm256_setzero_pd();
    size_t i = 0;
    while (i + 8 <= n) {
        /* float partial sums over short blocks, widened to double per block */
        size_t end = i + 256 <= n ? i + 256 : n - (n - i) % 8;
        __m256 fs = _mm256_setzero_ps(), fs2 = _mm256_setzero_ps();
        for (; i + 8 <= end; i += 8) {
            __m256 v = _mm256_loadu_ps(x + i);
            fs = _mm256_add_ps(fs, v);
            fs2 = _mm256_fmadd_ps(v, v, fs2);
        }
        s = _mm256_add_pd(s, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(fs)), _mm256_cvtps_pd(_mm256_extractf128_ps(fs, 1))));
        s2 = _mm256_add_pd(s2, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(fs2)), _mm256_cvtps_pd(_mm256_extractf128_ps(fs2, 1))));
    }
    double a[4], b[4];
    _mm256_storeu_pd(a, s);
    _mm256_storeu_pd(b, s2);
    double ts = a[0] + a[1] + a[2] + a[3], ts2 = b[0] + b[1] + b[2] + b[3];
    for (; i < n; i++) { ts += x[i]; ts2 += (double)x[i] * x[i]; }
    *sum = ts; *sum_sq = ts2;
}

/* ---------- fused attention (flash-style), AVX2 ----------
 * Per block of FA_QR query rows: scores against FA_KB keys at a time (the block stays in L1/L2), an
 * online softmax (running max and sum per row, earlier partial outputs rescaled when the max grows),
 * and the probabilities times V accumulated into an f32 output block. No rows x keys score matrix
 * is ever written to memory. */
#define FA_QR 48
#define FA_KB 128

/* s[i][j] = scale * q[i] . k[j] for 6 rows and the 16 keys of one panel (panel[c][16], contiguous):
 * twelve accumulators written out, so they stay in registers whatever the compiler unrolls. */
AVX2 static void fa_scores6(const float *q, size_t qs, const float *panel, size_t d, float *s, size_t sl, __m256 scale) {
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
    __m256 a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
    for (size_t c = 0; c < d; c++) {
        const __m256 k0 = _mm256_loadu_ps(panel + c * 16), k1 = _mm256_loadu_ps(panel + c * 16 + 8);
        __m256 x;
        x = _mm256_broadcast_ss(q + c);          a00 = _mm256_fmadd_ps(x, k0, a00); a01 = _mm256_fmadd_ps(x, k1, a01);
        x = _mm256_broadcast_ss(q + qs + c);     a10 = _mm256_fmadd_ps(x, k0, a10); a11 = _mm256_fmadd_ps(x, k1, a11);
        x = _mm256_broadcast_ss(q + 2 * qs + c); a20 = _mm256_fmadd_ps(x, k0, a20); a21 = _mm256_fmadd_ps(x, k1, a21);
        x = _mm256_broadcast_ss(q + 3 * qs + c); a30 = _mm256_fmadd_ps(x, k0, a30); a31 = _mm256_fmadd_ps(x, k1, a31);
        x = _mm256_broadcast_ss(q + 4 * qs + c); a40 = _mm256_fmadd_ps(x, k0, a40); a41 = _mm256_fmadd_ps(x, k1, a41);
        x = _mm256_broadcast_ss(q + 5 * qs + c); a50 = _mm256_fmadd_ps(x, k0, a50); a51 = _mm256_fmadd_ps(x, k1, a51);
    }
#define FA_STORE(i, lo, hi) _mm256_storeu_ps(s + (i) * sl, _mm256_mul_ps(lo, scale)); \
                            _mm256_storeu_ps(s + (i) * sl + 8, _mm256_mul_ps(hi, scale));
    FA_STORE(0, a00, a01) FA_STORE(1, a10, a11) FA_STORE(2, a20, a21)
    FA_STORE(3, a30, a31) FA_STORE(4, a40, a41) FA_STORE(5, a50, a51)
#undef FA_STORE
}

/* One row against one panel. */
AVX2 static void fa_scores1(const float *q, const float *panel, size_t d, float *s, __m256 scale) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    for (size_t c = 0; c < d; c++) {
        const __m256 x = _mm256_broadcast_ss(q + c);
        a0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(panel + c * 16), a0);
        a1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(panel + c * 16 + 8), a1);
    }
    _mm256_storeu_ps(s, _mm256_mul_ps(a0, scale));
    _mm256_storeu_ps(s + 8, _mm256_mul_ps(a1, scale));
}

/* o[0..1][0 .. 40) += sum_j p[0..1][j] v[j][0 .. 40): two rows, five vectors, ten accumulators. */
AVX2 static void fa_values2x5(const float *p, size_t pl, const float *v, size_t vs, size_t nk, float *o, size_t ol) {
    __m256 a0 = _mm256_loadu_ps(o), a1 = _mm256_loadu_ps(o + 8), a2 = _mm256_loadu_ps(o + 16),
           a3 = _mm256_loadu_ps(o + 24), a4 = _mm256_loadu_ps(o + 32);
    __m256 b0 = _mm256_loadu_ps(o + ol), b1 = _mm256_loadu_ps(o + ol + 8), b2 = _mm256_loadu_ps(o + ol + 16),
           b3 = _mm256_loadu_ps(o + ol + 24), b4 = _mm256_loadu_ps(o + ol + 32);
    for (size_t j = 0; j < nk; j++) {
        const float *vj = v + j * vs;
        const __m256 x = _mm256_broadcast_ss(p + j), y = _mm256_broadcast_ss(p + pl + j);
        __m256 t;
        t = _mm256_loadu_ps(vj);      a0 = _mm256_fmadd_ps(x, t, a0); b0 = _mm256_fmadd_ps(y, t, b0);
        t = _mm256_loadu_ps(vj + 8);  a1 = _mm256_fmadd_ps(x, t, a1); b1 = _mm256_fmadd_ps(y, t, b1);
        t = _mm256_loadu_ps(vj + 16); a2 = _mm256_fmadd_ps(x, t, a2); b2 = _mm256_fmadd_ps(y, t, b2);
        t = _mm256_loadu_ps(vj + 24); a3 = _mm256_fmadd_ps(x, t, a3); b3 = _mm256_fmadd_ps(y, t, b3);
        t = _mm256_loadu_ps(vj + 32); a4 = _mm256_fmadd_ps(x, t, a4); b4 = _mm256_fmadd_ps(y, t, b4);
    }
    _mm256_storeu_ps(o, a0); _mm256_storeu_ps(o + 8, a1); _mm256_storeu_ps(o + 16, a2);
    _mm256_storeu_ps(o + 24, a3); _mm256_storeu_ps(o + 32, a4);
    _mm256_storeu_ps(o + ol, b0); _mm256_storeu_ps(o + ol + 8, b1); _mm256_storeu_ps(o + ol + 16, b2);
    _mm256_storeu_ps(o + ol + 24, b3); _mm256_storeu_ps(o + ol + 32, b4);
}

/* The same for four vectors (32 columns). */
AVX2 static void fa_values2x4(const float *p, size_t pl, const float *v, size_t vs, size_t nk, float *o, size_t ol) {
    __m256 a0 = _mm256_loadu_ps(o), a1 = _mm256_loadu_ps(o + 8), a2 = _mm256_loadu_ps(o + 16), a3 = _mm256_loadu_ps(o + 24);
    __m256 b0 = _mm256_loadu_ps(o + ol), b1 = _mm256_loadu_ps(o + ol + 8), b2 = _mm256_loadu_ps(o + ol + 16),
           b3 = _mm256_loadu_ps(o + ol + 24);
    for (size_t j = 0; j < nk; j++) {
        const float *vj = v + j * vs;
        const __m256 x = _mm256_broadcast_ss(p + j), y = _mm256_broadcast_ss(p + pl + j);
        __m256 t;
        t = _mm256_loadu_ps(vj);      a0 = _mm256_fmadd_ps(x, t, a0); b0 = _mm256_fmadd_ps(y, t, b0);
        t = _mm256_loadu_ps(vj + 8);  a1 = _mm256_fmadd_ps(x, t, a1); b1 = _mm256_fmadd_ps(y, t, b1);
        t = _mm256_loadu_ps(vj + 16); a2 = _mm256_fmadd_ps(x, t, a2); b2 = _mm256_fmadd_ps(y, t, b2);
        t = _mm256_loadu_ps(vj + 24); a3 = _mm256_fmadd_ps(x, t, a3); b3 = _mm256_fmadd_ps(y, t, b3);
    }
    _mm256_storeu_ps(o, a0); _mm256_storeu_ps(o + 8, a1); _mm256_storeu_ps(o + 16, a2); _mm256_storeu_ps(o + 24, a3);
    _mm256_storeu_ps(o + ol, b0); _mm256_storeu_ps(o + ol + 8, b1); _mm256_storeu_ps(o + ol + 16, b2);
    _mm256_storeu_ps(o + ol + 24, b3);
}

/* One row, one vector (8 columns) at a time: the general case and the last odd row. */
AVX2 static void fa_values1(const float *p, const float *v, size_t vs, size_t nk, float *o, size_t d) {
    for (size_t c = 0; c < d; c += 8) {
        __m256 a = _mm256_loadu_ps(o + c);
        for (size_t j = 0; j < nk; j++) a = _mm256_fmadd_ps(_mm256_broadcast_ss(p + j), _mm256_loadu_ps(v + j * vs + c), a);
        _mm256_storeu_ps(o + c, a);
    }
}

/* Two rows over the head's d columns in passes of five vectors (40 columns), then fours, then ones. */
AVX2 static void fa_values2(const float *p, size_t pl, const float *v, size_t vs, size_t nk, float *o, size_t ol, size_t d) {
    size_t c = 0;
    if (d % 40 == 0) {
        for (; c < d; c += 40) fa_values2x5(p, pl, v + c, vs, nk, o + c, ol);
        return;
    }
    for (; c + 32 <= d; c += 32) fa_values2x4(p, pl, v + c, vs, nk, o + c, ol);
    if (c < d) {
        fa_values1(p, v + c, vs, nk, o + c, d - c);
        fa_values1(p + pl, v + c, vs, nk, o + ol + c, d - c);
    }
}

/* The online softmax step for one key block: for each of nr rows of s (nk scores, row stride s_ld),
 * the running max and sum (mrow, lrow) are updated, the scores replaced by exp(score - max), and the row's
 * partial output (od floats at o + i * o_ld) rescaled when the max grew. */
AVX2 static void fa_online_softmax(float *s, size_t s_ld, size_t nr, size_t nk, float *mrow, float *lrow,
                                   float *o, size_t o_ld, size_t od) {
    const size_t full = nk & ~(size_t)7;
    const __m256i tail = tail_mask(nk - full);
    for (size_t i = 0; i < nr; i++) {
        float *row = s + i * s_ld;
        __m256 vm = _mm256_set1_ps(-INFINITY);
        for (size_t j = 0; j < full; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(row + j));
        if (full < nk)
            vm = _mm256_max_ps(vm, _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_loadu_ps(row + full),
                                                    _mm256_castsi256_ps(tail)));
        float mx = hmax8(vm);
        float mnew = mx > mrow[i] ? mx : mrow[i];
        float corr = expf(mrow[i] - mnew); /* 0 for the first block (mrow = -inf) */
        const __m256 vmax = _mm256_set1_ps(mnew);
        __m256 vs = _mm256_setzero_ps();
        for (size_t j = 0; j < full; j += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), vmax));
            _mm256_storeu_ps(row + j, e);
            vs = _mm256_add_ps(vs, e);
        }
        if (full < nk) {
            __m256 e = _mm256_and_ps(exp8(_mm256_sub_ps(_mm256_loadu_ps(row + full), vmax)), _mm256_castsi256_ps(tail));
            _mm256_storeu_ps(row + full, e);
            vs = _mm256_add_ps(vs, e);
        }
        lrow[i] = lrow[i] * corr + hsum8(vs);
        mrow[i] = mnew;
        if (corr != 1.0f) {
            const __m256 vc = _mm256_set1_ps(corr);
            float *oi = o + i * o_ld;
            for (size_t c = 0; c < od; c += 8) _mm256_storeu_ps(oi + c, _mm256_mul_ps(_mm256_loadu_ps(oi + c), vc));
        }
    }
}

AVX2 static void flash_attention_avx2(const float *q, size_t q_stride, const float *kp,
                                      const float *v, size_t v_stride, float *out, size_t out_stride,
                                      size_t rows, size_t keys, size_t d, float scale) {
    float s[FA_QR * FA_KB] __attribute__((aligned(32)));
    float mrow[FA_QR], lrow[FA_QR];
    float *o = aligned_alloc(32, FA_QR * d * sizeof(float));
    if (!o) return;
    const __m256 vscale = _mm256_set1_ps(scale);
    for (size_t r0 = 0; r0 < rows; r0 += FA_QR) {
        const size_t nr = rows - r0 < FA_QR ? rows - r0 : FA_QR;
        const float *qb = q + r0 * q_stride;
        for (size_t i = 0; i < nr * d; i++) o[i] = 0;
        for (size_t i = 0; i < nr; i++) { mrow[i] = -INFINITY; lrow[i] = 0; }
        for (size_t j0 = 0; j0 < keys; j0 += FA_KB) {
            const size_t nk = keys - j0 < FA_KB ? keys - j0 : FA_KB;
            const size_t nk16 = (nk + 15) & ~(size_t)15; /* the last panel is padded with zero keys */
            for (size_t j = 0; j < nk16; j += 16) {
                const float *panel = kp + (j0 + j) * d; /* panel (j0 + j) / 16 of d x 16 floats */
                size_t i = 0;
                for (; i + 6 <= nr; i += 6)
                    fa_scores6(qb + i * q_stride, q_stride, panel, d, s + i * FA_KB + j, FA_KB, vscale);
                for (; i < nr; i++)
                    fa_scores1(qb + i * q_stride, panel, d, s + i * FA_KB + j, vscale);
            }
            fa_online_softmax(s, FA_KB, nr, nk, mrow, lrow, o, d, d);
            const float *vb = v + j0 * v_stride;
            size_t i = 0;
            for (; i + 2 <= nr; i += 2) fa_values2(s + i * FA_KB, FA_KB, vb, v_stride, nk, o + i * d, d, d);
            for (; i < nr; i++) fa_values1(s + i * FA_KB, vb, v_stride, nk, o + i * d, d);
        }
        for (size_t i = 0; i < nr; i++) {
            const __m256 inv = _mm256_set1_ps(1.0f / lrow[i]);
            float *dst = out + (r0 + i) * out_stride;
            for (size_t c = 0; c < d; c += 8) _mm256_storeu_ps(dst + c, _mm256_mul_ps(_mm256_loadu_ps(o + i * d + c), inv));
        }
    }
    free(o);
}

/* ---------- fused attention with bf16 products (AVX-512 BF16) ----------
 * The same blocks and online softmax as flash_attention_avx2, with Q, K, V and the probabilities
 * rounded to bf16 and multiplied by vdpbf16ps (pairs of bf16 products summed into f32 lanes: twice
 * the multiply-adds of an f32 FMA per instruction). Scores, softmax and the output accumulate in f32. */
#define AVX512BF16 __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512bf16")))
#define FB_QR 48   /* query rows per block: six groups of 8 */
#define FB_KB 128  /* keys per block: four panels of 32 */

__attribute__((always_inline)) AVX512BF16 static inline __m512bh fb_pair(const uint16_t *p) {  /* one bf16 pair broadcast to every 32-bit lane */
    int32_t bits;
    __builtin_memcpy(&bits, p, 4);
    return (__m512bh)_mm512_set1_epi32(bits);
}

/* s[i][0 .. 32) = scale * q[i] . k[panel keys] for 8 rows of bf16 q (row stride qs) and one 32-key panel
 * (d/2 pair rows of 32 keys x 2 bf16). */
AVX512BF16 static void fb_scores8(const uint16_t *q, size_t qs, const uint16_t *panel, size_t d, float *s, size_t sl,
                                  __m512 scale) {
    __m512 a[8][2];
    for (int i = 0; i < 8; i++) { a[i][0] = _mm512_setzero_ps(); a[i][1] = _mm512_setzero_ps(); }
    for (size_t c = 0; c < d; c += 2) {
        const __m512bh k0 = (__m512bh)_mm512_loadu_si512(panel + c * 32), k1 = (__m512bh)_mm512_loadu_si512(panel + c * 32 + 32);
#pragma clang loop unroll(full)
        for (int i = 0; i < 8; i++) {
            const __m512bh x = fb_pair(q + i * qs + c);
            a[i][0] = _mm512_dpbf16_ps(a[i][0], x, k0);
            a[i][1] = _mm512_dpbf16_ps(a[i][1], x, k1);
        }
    }
    for (int i = 0; i < 8; i++) {
        _mm512_storeu_ps(s + i * sl, _mm512_mul_ps(a[i][0], scale));
        _mm512_storeu_ps(s + i * sl + 16, _mm512_mul_ps(a[i][1], scale));
    }
}

AVX512BF16 static void fb_scores1(const uint16_t *q, const uint16_t *panel, size_t d, float *s, __m512 scale) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0;
    for (size_t c = 0; c < d; c += 2) {
        const __m512bh x = fb_pair(q + c);
        a0 = _mm512_dpbf16_ps(a0, x, (__m512bh)_mm512_loadu_si512(panel + c * 32));
        a1 = _mm512_dpbf16_ps(a1, x, (__m512bh)_mm512_loadu_si512(panel + c * 32 + 32));
    }
    _mm512_storeu_ps(s, _mm512_mul_ps(a0, scale));
    _mm512_storeu_ps(s + 16, _mm512_mul_ps(a1, scale));
}

/* o[i][16 c ..] += sum over key pairs of p[i][pair] . v[pair][16 c ..] for 4 rows and NC 16-lane column
 * groups; p rows are bf16 with stride pl, v pairs rows of dp columns x 2 bf16. */
#define FB_VALUES4(NC)                                                                                         \
    AVX512BF16 static void fb_values4x##NC(const uint16_t *p, size_t pl, const uint16_t *v, size_t dp,         \
                                            size_t pairs, float *o, size_t ol) {                              \
        __m512 a[4][NC];                                                                                       \
        for (int i = 0; i < 4; i++)                                                                            \
            for (int c = 0; c < NC; c++) a[i][c] = _mm512_loadu_ps(o + i * ol + 16 * c);                       \
        for (size_t j = 0; j < pairs; j++) {                                                                   \
            const uint16_t *vj = v + j * dp * 2;                                                               \
            const __m512bh x0 = fb_pair(p + 2 * j), x1 = fb_pair(p + pl + 2 * j), x2 = fb_pair(p + 2 * pl + 2 * j), \
                           x3 = fb_pair(p + 3 * pl + 2 * j);                                                   \
            for (int c = 0; c < NC; c++) {                                                                     \
                const __m512bh vv = (__m512bh)_mm512_loadu_si512(vj + 32 * c);                                 \
                a[0][c] = _mm512_dpbf16_ps(a[0][c], x0, vv);                                                   \
                a[1][c] = _mm512_dpbf16_ps(a[1][c], x1, vv);                                                   \
                a[2][c] = _mm512_dpbf16_ps(a[2][c], x2, vv);                                                   \
                a[3][c] = _mm512_dpbf16_ps(a[3][c], x3, vv);                                                   \
            }                                                                                                  \
        }                                                                                                      \
        for (int i = 0; i < 4; i++)                                                                            \
            for (int c = 0; c < NC; c++) _mm512_storeu_ps(o + i * ol + 16 * c, a[i][c]);                       \
    }
FB_VALUES4(1)
FB_VALUES4(2)
FB_VALUES4(3)
FB_VALUES4(4)
FB_VALUES4(5)

AVX512BF16 static void fb_values1(const uint16_t *p, const uint16_t *v, size_t dp, size_t pairs, float *o) {
    for (size_t c = 0; c < dp; c += 16) {
        __m512 a = _mm512_loadu_ps(o + c);
        for (size_t j = 0; j < pairs; j++)
            a = _mm512_dpbf16_ps(a, fb_pair(p + 2 * j), (__m512bh)_mm512_loadu_si512(v + j * dp * 2 + 2 * c));
        _mm512_storeu_ps(o + c, a);
    }
}

/* Four rows over dp / 16 column groups, in the fewest passes of at most five, split evenly. */
AVX512BF16 static void fb_values4(const uint16_t *p, size_t pl, const uint16_t *v, size_t dp, size_t pairs, float *o, size_t ol) {
    const size_t groups = dp / 16, passes = (groups + 4) / 5;
    size_t g = 0;
    for (size_t pass = 0; pass < passes; pass++) {
        const size_t nc = (groups - g + (passes - pass) - 1) / (passes - pass);
        const uint16_t *vg = v + 32 * g;
        float *og = o + 16 * g;
        switch (nc) {
        case 5: fb_values4x5(p, pl, vg, dp, pairs, og, ol); break;
        case 4: fb_values4x4(p, pl, vg, dp, pairs, og, ol); break;
        case 3: fb_values4x3(p, pl, vg, dp, pairs, og, ol); break;
        case 2: fb_values4x2(p, pl, vg, dp, pairs, og, ol); break;
        default: fb_values4x1(p, pl, vg, dp, pairs, og, ol); break;
        }
        g += nc;
    }
}

AVX512BF16 static void flash_attention_bf16(const float *q, size_t q_stride, const uint16_t *kp, const uint16_t *vp,
                                           float *out, size_t out_stride, size_t rows, size_t keys, size_t d, float scale) {
    const size_t dp = (d + 15) & ~(size_t)15;
    float s[FB_QR * FB_KB] __attribute__((aligned(64)));
    uint16_t p16[FB_QR * FB_KB] __attribute__((aligned(64)));
    float mrow[FB_QR], lrow[FB_QR];
    float *o = aligned_alloc(64, FB_QR * dp * sizeof(float));
    uint16_t *qh = aligned_alloc(64, ((FB_QR * d * sizeof(uint16_t) + 63) & ~(size_t)63));
    if (!o || !qh) { free(o); free(qh); return; }
    const __m512 vscale = _mm512_set1_ps(scale);
    for (size_t r0 = 0; r0 < rows; r0 += FB_QR) {
        const size_t nr = rows - r0 < FB_QR ? rows - r0 : FB_QR;
        for (size_t i = 0; i < nr; i++) afk_f32_to_bf16(q + (r0 + i) * q_stride, qh + i * d, d);
        for (size_t i = 0; i < nr * dp; i++) o[i] = 0;
        for (size_t i = 0; i < nr; i++) { mrow[i] = -INFINITY; lrow[i] = 0; }
        for (size_t j0 = 0; j0 < keys; j0 += FB_KB) {
            const size_t nk = keys - j0 < FB_KB ? keys - j0 : FB_KB;
            for (size_t j = 0; j < nk; j += 32) {
                const uint16_t *panel = kp + (j0 + j) * d; /* panel (j0 + j) / 32: d/2 x 32 x 2 bf16 */
                size_t i = 0;
                for (; i + 8 <= nr; i += 8) fb_scores8(qh + i * d, d, panel, d, s + i * FB_KB + j, FB_KB, vscale);
                for (; i < nr; i++) fb_scores1(qh + i * d, panel, d, s + i * FB_KB + j, vscale);
            }
            fa_online_softmax(s, FB_KB, nr, nk, mrow, lrow, o, dp, dp);
            const size_t pairs = (nk + 1) / 2;
            for (size_t i = 0; i < nr; i++) {
                afk_f32_to_bf16(s + i * FB_KB, p16 + i * FB_KB, nk);
                if (nk & 1) p16[i * FB_KB + nk] = 0;
            }
            const uint16_t *vb = vp + j0 * dp; /* pair row j0 / 2 of dp x 2 bf16 */
            size_t i = 0;
            for (; i + 4 <= nr; i += 4) fb_values4(p16 + i * FB_KB, FB_KB, vb, dp, pairs, o + i * dp, dp);
            for (; i < nr; i++) fb_values1(p16 + i * FB_KB, vb, dp, pairs, o + i * dp);
        }
        for (size_t i = 0; i < nr; i++) {
            const __m256 inv = _mm256_set1_ps(1.0f / lrow[i]);
            float *dst = out + (r0 + i) * out_stride;
            for (size_t c = 0; c < d; c += 8) _mm256_storeu_ps(dst + c, _mm256_mul_ps(_mm256_loadu_ps(o + i * dp + c), inv));
        }
    }
    free(o);
    free(qh);
}
#endif

/* ---------- dispatch ---------- */

static int vectorized = -1;

int afk_vectorized(void) {
    if (vectorized < 0) {
#ifdef AFK_X86
        __builtin_cpu_init();
        vectorized = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
        vectorized = 0;
#endif
    }
    return vectorized;
}

#ifdef AFK_X86
#define DISPATCH(avx2_call, c_call) do { if (afk_vectorized()) { avx2_call; } else { c_call; } } while (0)
#else
#define DISPATCH(avx2_call, c_call) do { c_call; } while (0)
#endif

void afk_softmax_rows(float *p, size_t rows, size_t width) {
    DISPATCH(softmax_rows_avx2(p, rows, width), softmax_rows_c(p, rows, width));
}
void afk_scale_shift(const float *x, float *y, size_t n, float scale, float shift, int silu) {
    DISPATCH(scale_shift_avx2(x, y, n, scale, shift, silu), scale_shift_c(x, y, n, scale, shift, silu));
}
void afk_silu(float *p, size_t n) { DISPATCH(sigmoid_mul_avx2(p, n, 1.0f), sigmoid_mul_c(p, n, 1.0f)); }
void afk_quick_gelu(float *p, size_t n) { DISPATCH(sigmoid_mul_avx2(p, n, 1.702f), sigmoid_mul_c(p, n, 1.702f)); }
void afk_gelu(float *p, size_t n) { DISPATCH(gelu_avx2(p, n), gelu_c(p, n)); }
void afk_geglu(const float *a, const float *g, float *out, size_t n) {
    DISPATCH(geglu_avx2(a, g, out, n), geglu_c(a, g, out, n));
}
void afk_sum_squares(const float *x, size_t n, double *sum, double *sum_sq) {
    DISPATCH(sum_squares_avx2(x, n, sum, sum_sq), sum_squares_c(x, n, sum, sum_sq));
}

void afk_flash_attention(const float *q, size_t q_stride, const float *k_panels, const float *v,
                         size_t v_stride, float *out, size_t out_stride, size_t rows, size_t keys, size_t d,
                         float scale) {
    DISPATCH(flash_attention_avx2(q, q_stride, k_panels, v, v_stride, out, out_stride, rows, keys, d, scale),
             flash_attention_c(q, q_stride, k_panels, v, v_stride, out, out_stride, rows, keys, d, scale));
}

void afk_pack_key_panels(const float *k, size_t keys, size_t d, size_t stride, float *dst) {
    const size_t panels = (keys + 15) / 16;
    for (size_t p = 0; p < panels; p++) {
        float *panel = dst + p * 16 * d;
        for (size_t c = 0; c < d; c++)
            for (size_t l = 0; l < 16; l++) {
                const size_t j = p * 16 + l;
                panel[c * 16 + l] = j < keys ? k[j * stride + c] : 0.0f;
            }
    }
}

int afk_flash_attention_bf16_supported(void) {
#ifdef AFK_X86
    return (afk_cpu_features() & AFK_CPU_AVX512_BF16) && afk_vectorized();
#else
    return 0;
#endif
}

void afk_pack_key_panels_bf16(const float *k, size_t keys, size_t d, size_t stride, uint16_t *dst) {
    const size_t panels = (keys + 31) / 32;
    float pair[2];
    for (size_t p = 0; p < panels; p++) {
        uint16_t *panel = dst + p * 32 * d;
        for (size_t c = 0; c < d; c += 2)
            for (size_t l = 0; l < 32; l++) {
                const size_t j = p * 32 + l;
                pair[0] = j < keys ? k[j * stride + c] : 0.0f;
                pair[1] = j < keys ? k[j * stride + c + 1] : 0.0f;
                afk_f32_to_bf16(pair, panel + c * 32 + 2 * l, 2);
            }
    }
}

void afk_pack_value_pairs_bf16(const float *v, size_t keys, size_t d, size_t stride, uint16_t *dst) {
    const size_t dp = (d + 15) & ~(size_t)15, pairs = (keys + 1) / 2;
    float pair[2];
    for (size_t jp = 0; jp < pairs; jp++)
        for (size_t c = 0; c < dp; c++) {
            for (int h = 0; h < 2; h++) {
                const size_t j = 2 * jp + h;
                pair[h] = (j < keys && c < d) ? v[j * stride + c] : 0.0f;
            }
            afk_f32_to_bf16(pair, dst + (jp * dp + c) * 2, 2);
        }
}

void afk_flash_attention_bf16(const float *q, size_t q_stride, const uint16_t *k_panels, const uint16_t *v_pairs,
                              float *out, size_t out_stride, size_t rows, size_t keys, size_t d, float scale) {
#ifdef AFK_X86
    if (afk_flash_attention_bf16_supported()) {
        flash_attention_bf16(q, q_stride, k_panels, v_pairs, out, out_stride, rows, keys, d, scale);
        return;
    }
#endif
    (void)q; (void)q_stride; (void)k_panels; (void)v_pairs; (void)out; (void)out_stride; (void)rows; (void)keys; (void)d; (void)scale;
}

void afk_tune_allocator(int mmap_threshold, int trim_threshold) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
#else
    (void)mmap_threshold; (void)trim_threshold;
#endif
}

/* ---------- Winograd F(2x2, 3x3) ---------- */

/* One output channel's 3x3 kernels (`g`: cin * 9 values) -> u[16][cout][cin] entries for that channel. */
static void winograd_channel(const float *wrow, float *u, size_t cout, size_t cin, size_t co) {
    const size_t plane = cout * cin;
    for (size_t ci = 0; ci < cin; ci++) {
        const float *g = wrow + ci * 9;
        float t[4][3];  /* G g */
        for (int j = 0; j < 3; j++) {
            float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
            t[0][j] = g0;
            t[1][j] = 0.5f * (g0 + g1 + g2);
            t[2][j] = 0.5f * (g0 - g1 + g2);
            t[3][j] = g2;
        }
        float *dst = u + co * cin + ci;
        for (int i = 0; i < 4; i++) {  /* (G g) G^T */
            float r0 = t[i][0], r1 = t[i][1], r2 = t[i][2];
            dst[(i * 4 + 0) * plane] = r0;
            dst[(i * 4 + 1) * plane] = 0.5f * (r0 + r1 + r2);
            dst[(i * 4 + 2) * plane] = 0.5f * (r0 - r1 + r2);
            dst[(i * 4 + 3) * plane] = r2;
        }
    }
}

void afk_winograd_weights(const float *w, float *u, size_t cout, size_t cin, size_t co_begin, size_t co_end) {
    for (size_t co = co_begin; co < co_end; co++) winograd_channel(w + co * cin * 9, u, cout, cin, co);
}

void afk_winograd_weights_half(const uint16_t *w, int is_bf16, float *u, size_t cout, size_t cin,
                               size_t co_begin, size_t co_end) {
    /* One output channel's kernels widened at a time (cin * 9 floats, in cache), then transformed. */
    float *row = (float *)malloc(cin * 9 * sizeof(float));
    if (!row) return;
    for (size_t co = co_begin; co < co_end; co++) {
        if (is_bf16) afk_bf16_to_f32(w + co * cin * 9, row, cin * 9);
        else afk_f16_to_f32(w + co * cin * 9, row, cin * 9);
        winograd_channel(row, u, cout, cin, co);
    }
    free(row);
}

void afk_winograd_input(const float *x, float *v, size_t cin, size_t h, size_t w, size_t tile0, size_t ntiles,
                        size_t ld, size_t c_begin, size_t c_end) {
    const size_t tiles_h = (h + 1) / 2, tiles_w = (w + 1) / 2, per_image = tiles_h * tiles_w;
    const size_t stride16 = cin * ld;
    for (size_t c = c_begin; c < c_end; c++) {
        float *out = v + c * ld;
        for (size_t j = 0; j < ntiles; j++) {
            const size_t g = tile0 + j, b = g / per_image, r = g % per_image;
            const long y0 = (long)(r / tiles_w) * 2 - 1, x0 = (long)(r % tiles_w) * 2 - 1;
            const float *src = x + (b * cin + c) * h * w;
            float d[4][4];
            if (y0 >= 0 && x0 >= 0 && y0 + 4 <= (long)h && x0 + 4 <= (long)w) {
                for (int i = 0; i < 4; i++) {
                    const float *row = src + (size_t)(y0 + i) * w + (size_t)x0;
                    d[i][0] = row[0]; d[i][1] = row[1]; d[i][2] = row[2]; d[i][3] = row[3];
                }
            } else {
                for (int i = 0; i < 4; i++) {
                    long yy = y0 + i;
                    for (int k = 0; k < 4; k++) {
                        long xx = x0 + k;
                        d[i][k] = (yy >= 0 && yy < (long)h && xx >= 0 && xx < (long)w) ? src[yy * (long)w + xx] : 0.0f;
                    }
                }
            }
            float t[4][4];  /* B^T d */
            for (int k = 0; k < 4; k++) {
                t[0][k] = d[0][k] - d[2][k];
                t[1][k] = d[1][k] + d[2][k];
                t[2][k] = d[2][k] - d[1][k];
                t[3][k] = d[1][k] - d[3][k];
            }
            for (int i = 0; i < 4; i++) {  /* (B^T d) B */
                out[(i * 4 + 0) * stride16 + j] = t[i][0] - t[i][2];
                out[(i * 4 + 1) * stride16 + j] = t[i][1] + t[i][2];
                out[(i * 4 + 2) * stride16 + j] = t[i][2] - t[i][1];
                out[(i * 4 + 3) * stride16 + j] = t[i][1] - t[i][3];
            }
        }
    }
}

void afk_winograd_output(const float *m, float *y, const float *bias, size_t cout, size_t h, size_t w,
                         size_t tile0, size_t ntiles, size_t ld, size_t co_begin, size_t co_end) {
    const size_t tiles_h = (h + 1) / 2, tiles_w = (w + 1) / 2, per_image = tiles_h * tiles_w;
    const size_t stride16 = cout * ld;
    for (size_t co = co_begin; co < co_end; co++) {
        const float *in = m + co * ld;
        const float b0 = bias ? bias[co] : 0.0f;
        for (size_t j = 0; j < ntiles; j++) {
            const size_t g = tile0 + j, b = g / per_image, r = g % per_image;
            const size_t yy = (r / tiles_w) * 2, xx = (r % tiles_w) * 2;
            float q[4][4];
            for (int i = 0; i < 16; i++) q[i / 4][i % 4] = in[i * stride16 + j];
            float s[2][4];  /* A^T q */
            for (int k = 0; k < 4; k++) {
                s[0][k] = q[0][k] + q[1][k] + q[2][k];
                s[1][k] = q[1][k] - q[2][k] - q[3][k];
            }
            float *dst = y + (b * cout + co) * h * w + yy * w + xx;
            for (int i = 0; i < 2; i++) {  /* (A^T q) A */
                if (yy + (size_t)i >= h) break;
                float o0 = s[i][0] + s[i][1] + s[i][2] + b0;
                float o1 = s[i][1] - s[i][2] - s[i][3] + b0;
                dst[i * w] = o0;
                if (xx + 1 < w) dst[i * w + 1] = o1;
            }
        }
    }
}
