#ifndef ARTFACTORY_ENGINE_PRECISION_H
#define ARTFACTORY_ENGINE_PRECISION_H
/* Half-precision conversions and CPU feature flags for the engine's precision paths.
 * f16 -> f32 uses F16C, bf16 <-> f32 AVX2 integer shifts when the CPU has them (plain C otherwise).
 * f32 -> bf16 rounds to nearest, ties to even (as PyTorch's `.to(torch.bfloat16)`). */
#include <stddef.h>
#include <stdint.h>

/* Bits of afk_cpu_features(). */
#define AFK_CPU_AVX2_FMA 1u
#define AFK_CPU_F16C 2u
#define AFK_CPU_AVX512F 4u       /* with OS support for the ZMM state */
#define AFK_CPU_AVX512_BF16 8u
#define AFK_CPU_AMX_BF16 16u     /* AMX-TILE + AMX-BF16 with OS support for the tile state */
#define AFK_CPU_AVX512_VNNI 32u
#define AFK_CPU_AMX_INT8 64u
#define AFK_CPU_AVX_VNNI 128u

/* What this CPU (and the OS) supports, as AFK_CPU_* bits; computed once. */
unsigned afk_cpu_features(void);

void afk_f16_to_f32(const uint16_t *src, float *dst, size_t n);
void afk_bf16_to_f32(const uint16_t *src, float *dst, size_t n);
void afk_f32_to_bf16(const float *src, uint16_t *dst, size_t n);
void afk_f16_to_bf16(const uint16_t *src, uint16_t *dst, size_t n);

/* f32 -> f16, round to nearest, ties to even (F16C when the CPU has it; the same results without). */
void afk_f32_to_f16(const float *src, uint16_t *dst, size_t n);

/* In-place LoRA merging with an exact undo (Sources/ArtFactoryEngine/LoRA/LoRAInPlace.swift).
 * Kinds: 0 = f32 values (`w` holds float bits), 1 = f16 bits, 2 = bf16 bits.
 * merge: w[i] = narrow(widen(w[i]) + d[i]); wherever undoing would not give back the original bits,
 * writes i (relative to w) to idx and the original bits to orig, and returns how many it wrote
 * (at most n). undo: w[i] = narrow(widen(w[i]) - d[i]); the caller then puts back the recorded
 * originals. merge and undo round the same way, so undo(merge(w)) is w wherever merge recorded nothing. */
size_t afk_lora_merge(int kind, void *w, const float *d, size_t n, uint32_t *idx, uint32_t *orig);
void afk_lora_undo(int kind, void *w, const float *d, size_t n);

/* A 64-bit fingerprint of `bytes` bytes (4 interleaved multiply-xor lanes; not cryptographic). */
uint64_t afk_fingerprint(const void *data, size_t bytes);
#endif
