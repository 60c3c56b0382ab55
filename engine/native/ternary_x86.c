/* x86 SIMD kernels, compiled with per-function target attributes so that the distributed
 * build needs no -march flag; ternary_dispatch.c calls them only on CPUs that have them.
 *
 * Both kernels put 4 input channels x N output channels in one vector (the weight layout of
 * ternary.h), broadcast 4 activation bytes of one frame, and accumulate per output lane, so no
 * horizontal sums are needed. A block of frames shares each weight load. */
#include "ternary.h"

#ifdef BT_HAVE_X86
#include <immintrin.h>

#define AVX512_FRAMES 8
#define AVX2_FRAMES 4
/* maddubs sums two u8*s8 products (|sum| <= 2 * 255) into int16; 64 such steps stay below
 * 32767, so the AVX2 kernel flushes its int16 sums to int32 every 64 channel groups. */
#define AVX2_GROUPS_PER_FLUSH 64

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void bt_conv1d_avx512vnni(const bt_conv_layer *L, const uint8_t *xq, const float *gamma,
                          int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums)
{
    const int32_t K = L->kernel_size, groups = L->c_in4 / 4, OP = L->c_out_pad;
    float facc[AVX512_FRAMES * BT_OUT_BLOCK] __attribute__((aligned(64)));
    for (int32_t o0 = 0; o0 < OP; o0 += BT_OUT_BLOCK) {
        for (int64_t t0 = 0; t0 < out_frames; t0 += AVX512_FRAMES) {
            const int32_t frames = (int32_t)(out_frames - t0 < AVX512_FRAMES ? out_frames - t0 : AVX512_FRAMES);
            for (int32_t i = 0; i < AVX512_FRAMES * BT_OUT_BLOCK; i++) facc[i] = 0.0f;
            for (int32_t k = 0; k < K; k++) {
                const uint8_t *xr[AVX512_FRAMES];
                int64_t rows[AVX512_FRAMES];
                for (int32_t f = 0; f < AVX512_FRAMES; f++) {
                    /* Frames past the end repeat the last one; their results are dropped. */
                    rows[f] = t0 + (f < frames ? f : frames - 1) + (int64_t)k * L->dilation;
                    xr[f] = xq + rows[f] * L->c_in4;
                }
                __m512i acc[AVX512_FRAMES][2];
#pragma GCC unroll 8
                for (int32_t f = 0; f < AVX512_FRAMES; f++) {
                    acc[f][0] = _mm512_setzero_si512();
                    acc[f][1] = _mm512_setzero_si512();
                }
                const int8_t *wp = L->w + ((size_t)k * groups * OP + o0) * 4;
                for (int32_t g = 0; g < groups; g++, wp += (size_t)OP * 4) {
                    const __m512i w0 = _mm512_loadu_si512((const void *)wp);
                    const __m512i w1 = _mm512_loadu_si512((const void *)(wp + 64));
#pragma GCC unroll 8
                    for (int32_t f = 0; f < AVX512_FRAMES; f++) {
                        int32_t four;
                        __builtin_memcpy(&four, xr[f] + 4 * g, 4);
                        const __m512i b = _mm512_set1_epi32(four);
                        acc[f][0] = _mm512_dpbusd_epi32(acc[f][0], b, w0);
                        acc[f][1] = _mm512_dpbusd_epi32(acc[f][1], b, w1);
                    }
                }
                const int32_t *comp = L->comp + (size_t)k * OP + o0;
                const __m512i c0 = _mm512_loadu_si512((const void *)comp);
                const __m512i c1 = _mm512_loadu_si512((const void *)(comp + 16));
                if (tap_sums) {
                    for (int32_t f = 0; f < frames; f++) {
                        int32_t *ts = tap_sums + ((size_t)(t0 + f) * K + k) * OP + o0;
                        _mm512_storeu_si512((void *)ts, _mm512_sub_epi32(acc[f][0], c0));
                        _mm512_storeu_si512((void *)(ts + 16), _mm512_sub_epi32(acc[f][1], c1));
                    }
                    continue;
                }
#pragma GCC unroll 8
                for (int32_t f = 0; f < AVX512_FRAMES; f++) {
                    const __m512 g = _mm512_set1_ps(gamma[rows[f]]);
                    float *fa = facc + f * BT_OUT_BLOCK;
                    _mm512_store_ps(fa, _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc[f][0], c0)), g,
                                                        _mm512_load_ps(fa)));
                    _mm512_store_ps(fa + 16, _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc[f][1], c1)), g,
                                                             _mm512_load_ps(fa + 16)));
                }
            }
            if (!tap_sums) {
                const __m512 s0 = _mm512_loadu_ps(L->scale + o0), s1 = _mm512_loadu_ps(L->scale + o0 + 16);
                const __m512 b0 = _mm512_loadu_ps(L->bias + o0), b1 = _mm512_loadu_ps(L->bias + o0 + 16);
                for (int32_t f = 0; f < frames; f++) {
                    float *orow = out + (t0 + f) * out_stride + o0;
                    _mm512_storeu_ps(orow, _mm512_fmadd_ps(_mm512_load_ps(facc + f * BT_OUT_BLOCK), s0, b0));
                    _mm512_storeu_ps(orow + 16, _mm512_fmadd_ps(_mm512_load_ps(facc + f * BT_OUT_BLOCK + 16), s1, b1));
                }
            }
        }
    }
}

/* Per-frame absmax quantization, 16 channels a step; the same float32 operations as the
 * generic code (127 / absmax, then x * inv rounded half to even), so results are identical. */
__attribute__((target("avx512f,avx512bw")))
void bt_quantize_frames_avx512(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                               int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma)
{
    const int64_t total = rows + 2 * (int64_t)padding;
    const __m512i offset = _mm512_set1_epi32(128);
    const __m512 lim = _mm512_set1_ps(127.0f), nlim = _mm512_set1_ps(-127.0f);
    const __m512 finite_max = _mm512_set1_ps(3.40282347e38f);
    for (int32_t p = 0; p < padding; p++) {
        gamma[p] = 0.0f;
        gamma[total - 1 - p] = 0.0f;
        __builtin_memset(xq + (int64_t)p * c_in4, 128, (size_t)c_in4);
        __builtin_memset(xq + (total - 1 - p) * c_in4, 128, (size_t)c_in4);
    }
    for (int64_t t = 0; t < rows; t++) {
        const float *xr = x + t * row_stride;
        uint8_t *qr = xq + (t + padding) * c_in4;
        __m512 vmax = _mm512_setzero_ps();
        __mmask16 all_finite = 0xFFFF;
        for (int32_t c = 0; c < c_in; c += 16) {
            const __mmask16 m = c_in - c >= 16 ? 0xFFFF : (__mmask16)((1u << (c_in - c)) - 1);
            const __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(m, xr + c));
            all_finite &= _mm512_cmp_ps_mask(a, finite_max, _CMP_LE_OQ) | (__mmask16)~m;
            vmax = _mm512_max_ps(vmax, a);
        }
        const float absmax = _mm512_reduce_max_ps(vmax);
        if (all_finite != 0xFFFF || !(absmax > 0.0f)) {
            gamma[t + padding] = 0.0f;
            __builtin_memset(qr, 128, (size_t)c_in4);
            continue;
        }
        gamma[t + padding] = absmax;
        const __m512 inv = _mm512_set1_ps(127.0f / absmax);
        for (int32_t c = 0; c < c_in; c += 16) {
            const __mmask16 m = c_in - c >= 16 ? 0xFFFF : (__mmask16)((1u << (c_in - c)) - 1);
            __m512 q = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, xr + c), inv),
                                            _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            q = _mm512_min_ps(_mm512_max_ps(q, nlim), lim);
            _mm512_mask_cvtepi32_storeu_epi8(qr + c, m, _mm512_add_epi32(_mm512_cvtps_epi32(q), offset));
        }
        for (int32_t c = c_in; c < c_in4; c++) qr[c] = 128;
    }
}

__attribute__((target("avx2,fma")))
void bt_conv1d_avx2(const bt_conv_layer *L, const uint8_t *xq, const float *gamma,
                    int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums)
{
    const int32_t K = L->kernel_size, groups = L->c_in4 / 4, OP = L->c_out_pad;
    const __m256i ones16 = _mm256_set1_epi16(1);
    float facc[AVX2_FRAMES * BT_OUT_BLOCK] __attribute__((aligned(32)));
    int32_t acc32[AVX2_FRAMES * 16] __attribute__((aligned(32)));
    for (int32_t o0 = 0; o0 < OP; o0 += BT_OUT_BLOCK) {
        for (int64_t t0 = 0; t0 < out_frames; t0 += AVX2_FRAMES) {
            const int32_t frames = (int32_t)(out_frames - t0 < AVX2_FRAMES ? out_frames - t0 : AVX2_FRAMES);
            for (int32_t i = 0; i < AVX2_FRAMES * BT_OUT_BLOCK; i++) facc[i] = 0.0f;
            for (int32_t k = 0; k < K; k++) {
                const uint8_t *xr[AVX2_FRAMES];
                int64_t rows[AVX2_FRAMES];
                for (int32_t f = 0; f < AVX2_FRAMES; f++) {
                    rows[f] = t0 + (f < frames ? f : frames - 1) + (int64_t)k * L->dilation;
                    xr[f] = xq + rows[f] * L->c_in4;
                }
                /* Two halves of 16 output channels each keep the accumulators in 16 registers. */
                for (int32_t half = 0; half < 2; half++) {
                    const int32_t oh = o0 + 16 * half;
                    for (int32_t i = 0; i < AVX2_FRAMES * 16; i++) acc32[i] = 0;
                    const int8_t *wp = L->w + ((size_t)k * groups * OP + oh) * 4;
                    for (int32_t g0 = 0; g0 < groups; g0 += AVX2_GROUPS_PER_FLUSH) {
                        const int32_t g1 = g0 + AVX2_GROUPS_PER_FLUSH < groups ? g0 + AVX2_GROUPS_PER_FLUSH : groups;
                        __m256i acc[AVX2_FRAMES][2];
#pragma GCC unroll 4
                        for (int32_t f = 0; f < AVX2_FRAMES; f++) {
                            acc[f][0] = _mm256_setzero_si256();
                            acc[f][1] = _mm256_setzero_si256();
                        }
                        for (int32_t g = g0; g < g1; g++, wp += (size_t)OP * 4) {
                            const __m256i w0 = _mm256_loadu_si256((const __m256i *)wp);
                            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + 32));
#pragma GCC unroll 4
                            for (int32_t f = 0; f < AVX2_FRAMES; f++) {
                                int32_t four;
                                __builtin_memcpy(&four, xr[f] + 4 * g, 4);
                                const __m256i b = _mm256_set1_epi32(four);
                                acc[f][0] = _mm256_add_epi16(acc[f][0], _mm256_maddubs_epi16(b, w0));
                                acc[f][1] = _mm256_add_epi16(acc[f][1], _mm256_maddubs_epi16(b, w1));
                            }
                        }
#pragma GCC unroll 4
                        for (int32_t f = 0; f < AVX2_FRAMES; f++) {
                            __m256i *a32 = (__m256i *)(acc32 + 16 * f);
                            _mm256_store_si256(a32, _mm256_add_epi32(_mm256_load_si256(a32),
                                                                     _mm256_madd_epi16(acc[f][0], ones16)));
                            _mm256_store_si256(a32 + 1, _mm256_add_epi32(_mm256_load_si256(a32 + 1),
                                                                         _mm256_madd_epi16(acc[f][1], ones16)));
                        }
                    }
                    const int32_t *comp = L->comp + (size_t)k * OP + oh;
                    const __m256i c0 = _mm256_loadu_si256((const __m256i *)comp);
                    const __m256i c1 = _mm256_loadu_si256((const __m256i *)(comp + 8));
                    for (int32_t f = 0; f < AVX2_FRAMES; f++) {
                        const __m256i s0 = _mm256_sub_epi32(_mm256_load_si256((const __m256i *)(acc32 + 16 * f)), c0);
                        const __m256i s1 = _mm256_sub_epi32(_mm256_load_si256((const __m256i *)(acc32 + 16 * f + 8)), c1);
                        if (tap_sums) {
                            if (f >= frames) continue;
                            int32_t *ts = tap_sums + ((size_t)(t0 + f) * K + k) * OP + oh;
                            _mm256_storeu_si256((__m256i *)ts, s0);
                            _mm256_storeu_si256((__m256i *)(ts + 8), s1);
                        } else {
                            const __m256 g = _mm256_set1_ps(gamma[rows[f]]);
                            float *fa = facc + f * BT_OUT_BLOCK + 16 * half;
                            _mm256_store_ps(fa, _mm256_fmadd_ps(_mm256_cvtepi32_ps(s0), g, _mm256_load_ps(fa)));
                            _mm256_store_ps(fa + 8, _mm256_fmadd_ps(_mm256_cvtepi32_ps(s1), g, _mm256_load_ps(fa + 8)));
                        }
                    }
                }
            }
            if (!tap_sums) {
                for (int32_t f = 0; f < frames; f++) {
                    float *orow = out + (t0 + f) * out_stride + o0;
                    for (int32_t j = 0; j < BT_OUT_BLOCK; j += 8)
                        _mm256_storeu_ps(orow + j, _mm256_fmadd_ps(_mm256_load_ps(facc + f * BT_OUT_BLOCK + j),
                                                                   _mm256_loadu_ps(L->scale + o0 + j),
                                                                   _mm256_loadu_ps(L->bias + o0 + j)));
                }
            }
        }
    }
}
#endif
