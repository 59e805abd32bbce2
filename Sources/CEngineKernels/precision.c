/* See include/EnginePrecision.h. */
#include "EnginePrecision.h"
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AFK_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#ifdef AFK_X86
static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif

static unsigned detect(void) {
    unsigned f = 0;
#ifdef AFK_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
    uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xE6) == 0xE6, tiles = (xcr0 & 0x60000) == 0x60000;
    if (!avx || !ymm) return 0;
    if (f16c) f |= AFK_CPU_F16C;
    unsigned max = __get_cpuid_max(0, 0);
    if (max < 7) return f;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, vnni = (c >> 11) & 1;
    int amxbf16 = (d >> 22) & 1, amxtile = (d >> 24) & 1, amxint8 = (d >> 25) & 1;
    if (avx2 && fma) f |= AFK_CPU_AVX2_FMA;
    if (avx512f && zmm) {
        f |= AFK_CPU_AVX512F;
        if (vnni) f |= AFK_CPU_AVX512_VNNI;
    }
    if (amxtile && tiles && amxbf16) f |= AFK_CPU_AMX_BF16;
    if (amxtile && tiles && amxint8) f |= AFK_CPU_AMX_INT8;
    __cpuid_count(7, 1, a, b, c, d);
    if (((a >> 5) & 1) && (f & AFK_CPU_AVX512F)) f |= AFK_CPU_AVX512_BF16;
    if ((a >> 4) & 1) f |= AFK_CPU_AVX_VNNI;
#endif
    return f;
}

unsigned afk_cpu_features(void) {
    static int done = 0;
    static unsigned features = 0;
    if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
        features = detect();
        __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    }
    return features;
}

/* ---------- portable ---------- */

static float f16_scalar(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    if (exp == 0) {
        if (man == 0) bits = sign;
        else { /* subnormal */
            int e = -1;
            do { e++; man <<= 1; } while (!(man & 0x400));
            bits = sign | ((uint32_t)(112 - e) << 23) | ((man & 0x3FF) << 13);
        }
    } else if (exp == 31) bits = sign | 0x7F800000 | (man << 13);
    else bits = sign | ((exp + 112) << 23) | (man << 13);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint16_t bf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7FFFFFFF) > 0x7F800000) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
    u += 0x7FFF + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

static void f16_to_f32_c(const uint16_t *s, float *d, size_t n) { for (size_t i = 0; i < n; i++) d[i] = f16_scalar(s[i]); }
static void bf16_to_f32_c(const uint16_t *s, float *d, size_t n) {
    for (size_t i = 0; i < n; i++) { uint32_t u = (uint32_t)s[i] << 16; memcpy(d + i, &u, 4); }
}
static void f32_to_bf16_c(const float *s, uint16_t *d, size_t n) { for (size_t i = 0; i < n; i++) d[i] = bf16_round(s[i]); }

/* ---------- x86 ---------- */

#ifdef AFK_X86
__attribute__((target("avx,f16c")))
static void f16_to_f32_x86(const uint16_t *s, float *d, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(d + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(s + i))));
    f16_to_f32_c(s + i, d + i, n - i);
}

__attribute__((target("avx2")))
static void bf16_to_f32_x86(const uint16_t *s, float *d, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s + i)));
        _mm256_storeu_si256((__m256i *)(d + i), _mm256_slli_epi32(w, 16));
    }
    bf16_to_f32_c(s + i, d + i, n - i);
}

__attribute__((target("avx2")))
static void f32_to_bf16_x86(const float *s, uint16_t *d, size_t n) {
    size_t i = 0;
    const __m256i one = _mm256_set1_epi32(1), bias = _mm256_set1_epi32(0x7FFF);
    const __m256i absmask = _mm256_set1_epi32(0x7FFFFFFF), inf = _mm256_set1_epi32(0x7F800000);
    for (; i + 8 <= n; i += 8) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, absmask), inf);
        if (!_mm256_testz_si256(nan, nan)) { f32_to_bf16_c(s + i, d + i, 8); continue; }
        __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), one);
        __m256i r = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(bias, lsb)), 16);
        __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0xD8);
        _mm_storeu_si128((__m128i *)(d + i), _mm256_castsi256_si128(packed));
    }
    f32_to_bf16_c(s + i, d + i, n - i);
}
#endif

void afk_f16_to_f32(const uint16_t *src, float *dst, size_t n) {
#ifdef AFK_X86
    if (afk_cpu_features() & AFK_CPU_F16C) { f16_to_f32_x86(src, dst, n); return; }
#endif
    f16_to_f32_c(src, dst, n);
}

void afk_bf16_to_f32(const uint16_t *src, float *dst, size_t n) {
#ifdef AFK_X86
    if (afk_cpu_features() & AFK_CPU_AVX2_FMA) { bf16_to_f32_x86(src, dst, n); return; }
#endif
    bf16_to_f32_c(src, dst, n);
}

void afk_f32_to_bf16(const float *src, uint16_t *dst, size_t n) {
#ifdef AFK_X86
    if (afk_cpu_features() & AFK_CPU_AVX2_FMA) { f32_to_bf16_x86(src, dst, n); return; }
#endif
    f32_to_bf16_c(src, dst, n);
}

void afk_f16_to_bf16(const uint16_t *src, uint16_t *dst, size_t n) {
    float tmp[256];
    for (size_t i = 0; i < n; i += 256) {
        size_t m = n - i < 256 ? n - i : 256;
        afk_f16_to_f32(src + i, tmp, m);
        afk_f32_to_bf16(tmp, dst + i, m);
    }
}
