/* See include/EnginePrecision.h: in-place LoRA merging with an exact undo, f32 -> f16 narrowing,
 * and weight fingerprints. Plain C apart from the F16C conversions; compiled without fast-math, so
 * (w + d) - d is evaluated as written, which is what the undo check relies on. */
#include "EnginePrecision.h"
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AFK_X86 1
#include <immintrin.h>
#endif

/* Correctly rounded (nearest, ties to even) f32 -> f16 in portable C. */
static uint16_t f16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    uint32_t sign = (u >> 16) & 0x8000, absu = u & 0x7FFFFFFF;
    if (absu > 0x7F800000) return (uint16_t)(sign | 0x7E00 | ((absu >> 13) & 0x3FF)); /* NaN stays NaN */
    int exp = (int)(absu >> 23) - 127;
    uint32_t man = absu & 0x7FFFFF;
    if (exp > 15) return (uint16_t)(sign | 0x7C00);
    if (exp >= -14) { /* normal f16 range */
        uint32_t h = ((uint32_t)(exp + 15) << 10) | (man >> 13);
        uint32_t rest = man & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++; /* carries into the exponent (or to inf) */
        return (uint16_t)(sign | h);
    }
    if (exp < -25) return (uint16_t)sign; /* below half the smallest subnormal */
    /* subnormal: value = m * 2^-24 with the implicit bit */
    uint32_t full = man | 0x800000;
    int shift = -exp - 1; /* the value is full * 2^(exp - 23); a subnormal f16 counts units of 2^-24 */
    uint32_t h = full >> shift;
    uint32_t rest = full & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

#ifdef AFK_X86
__attribute__((target("avx,f16c")))
static void f32_to_f16_x86(const float *s, uint16_t *d, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(d + i), _mm256_cvtps_ph(_mm256_loadu_ps(s + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) d[i] = f16_round(s[i]);
}
#endif

void afk_f32_to_f16(const float *src, uint16_t *dst, size_t n) {
#ifdef AFK_X86
    if (afk_cpu_features() & AFK_CPU_F16C) { f32_to_f16_x86(src, dst, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = f16_round(src[i]);
}

/* Blocks of this many values go through the (vectorised) conversions at once. */
#define BLOCK 1024

size_t afk_lora_merge(int kind, void *w, const float *d, size_t n, uint32_t *idx, uint32_t *orig) {
    size_t found = 0;
    if (kind == 0) {
        uint32_t *bits = (uint32_t *)w;
        for (size_t i = 0; i < n; i++) {
            float o, m, back;
            memcpy(&o, bits + i, 4);
            m = o + d[i];
            back = m - d[i];
            uint32_t mb, bb;
            memcpy(&mb, &m, 4);
            memcpy(&bb, &back, 4);
            if (bb != bits[i]) { idx[found] = (uint32_t)i; orig[found] = bits[i]; found++; }
            bits[i] = mb;
        }
        return found;
    }
    uint16_t *h = (uint16_t *)w;
    float wide[BLOCK], sum[BLOCK];
    uint16_t merged[BLOCK], back[BLOCK];
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t m = n - start < BLOCK ? n - start : BLOCK;
        if (kind == 1) afk_f16_to_f32(h + start, wide, m); else afk_bf16_to_f32(h + start, wide, m);
        for (size_t i = 0; i < m; i++) sum[i] = wide[i] + d[start + i];
        if (kind == 1) afk_f32_to_f16(sum, merged, m); else afk_f32_to_bf16(sum, merged, m);
        if (kind == 1) afk_f16_to_f32(merged, wide, m); else afk_bf16_to_f32(merged, wide, m);
        for (size_t i = 0; i < m; i++) sum[i] = wide[i] - d[start + i];
        if (kind == 1) afk_f32_to_f16(sum, back, m); else afk_f32_to_bf16(sum, back, m);
        for (size_t i = 0; i < m; i++) {
            if (back[i] != h[start + i]) { idx[found] = (uint32_t)(start + i); orig[found] = h[start + i]; found++; }
            h[start + i] = merged[i];
        }
    }
    return found;
}

void afk_lora_undo(int kind, void *w, const float *d, size_t n) {
    if (kind == 0) {
        float *f = (float *)w;
        for (size_t i = 0; i < n; i++) f[i] = f[i] - d[i];
        return;
    }
    uint16_t *h = (uint16_t *)w;
    float wide[BLOCK];
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t m = n - start < BLOCK ? n - start : BLOCK;
        if (kind == 1) afk_f16_to_f32(h + start, wide, m); else afk_bf16_to_f32(h + start, wide, m);
        for (size_t i = 0; i < m; i++) wide[i] = wide[i] - d[start + i];
        if (kind == 1) afk_f32_to_f16(wide, h + start, m); else afk_f32_to_bf16(wide, h + start, m);
    }
}

uint64_t afk_fingerprint(const void *data, size_t bytes) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t lane[4] = {0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull, 0x27D4EB2F165667C5ull};
    const uint64_t k = 0x100000001B3ull * 0x9E3779B1ull + 1;
    size_t i = 0;
    for (; i + 32 <= bytes; i += 32) {
        for (int l = 0; l < 4; l++) {
            uint64_t v;
            memcpy(&v, p + i + 8 * l, 8);
            lane[l] = (lane[l] ^ v) * k;
            lane[l] ^= lane[l] >> 29;
        }
    }
    uint64_t h = (uint64_t)bytes * 0xFF51AFD7ED558CCDull;
    for (int l = 0; l < 4; l++) h = (h ^ lane[l]) * 0xC4CEB9FE1A85EC53ull, h ^= h >> 31;
    for (; i < bytes; i++) h = (h ^ p[i]) * 0x100000001B3ull;
    h ^= h >> 33;
    return h;
}
