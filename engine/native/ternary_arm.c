/* ARM kernel with the dot-product extension (sdot), built only where the compiler targets it.
 * sdot multiplies signed bytes, so the +128 offset is removed from the activations first and
 * the compensation term is added back, which leaves the same result as the x86 kernels. */
#include "ternary.h"

#ifdef BT_HAVE_NEON_DOTPROD
#include <arm_neon.h>

#define NEON_FRAMES 4

void bt_conv1d_neon_dotprod(const bt_conv_layer *L, const uint8_t *xq, const float *gamma,
                            int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums)
{
    const int32_t K = L->kernel_size, groups = L->c_in4 / 4, OP = L->c_out_pad;
    const uint8x16_t flip = vdupq_n_u8(0x80);
    for (int32_t o0 = 0; o0 < OP; o0 += 16) {
        for (int64_t t0 = 0; t0 < out_frames; t0 += NEON_FRAMES) {
            const int32_t frames = (int32_t)(out_frames - t0 < NEON_FRAMES ? out_frames - t0 : NEON_FRAMES);
            float32x4_t facc[NEON_FRAMES][4];
            for (int32_t f = 0; f < NEON_FRAMES; f++)
                for (int32_t j = 0; j < 4; j++) facc[f][j] = vdupq_n_f32(0.0f);
            for (int32_t k = 0; k < K; k++) {
                int64_t rows[NEON_FRAMES];
                int32x4_t acc[NEON_FRAMES][4];
                for (int32_t f = 0; f < NEON_FRAMES; f++) {
                    rows[f] = t0 + (f < frames ? f : frames - 1) + (int64_t)k * L->dilation;
                    for (int32_t j = 0; j < 4; j++) acc[f][j] = vdupq_n_s32(0);
                }
                const int8_t *wp = L->w + ((size_t)k * groups * OP + o0) * 4;
                for (int32_t g = 0; g < groups; g++, wp += (size_t)OP * 4) {
                    int8x16_t w[4];
                    for (int32_t j = 0; j < 4; j++) w[j] = vld1q_s8(wp + 16 * j);
                    for (int32_t f = 0; f < NEON_FRAMES; f++) {
                        uint32_t four;
                        __builtin_memcpy(&four, xq + rows[f] * L->c_in4 + 4 * g, 4);
                        const int8x16_t b = vreinterpretq_s8_u8(veorq_u8(vreinterpretq_u8_u32(vdupq_n_u32(four)), flip));
                        for (int32_t j = 0; j < 4; j++) acc[f][j] = vdotq_s32(acc[f][j], b, w[j]);
                    }
                }
                for (int32_t f = 0; f < frames; f++) {
                    const float32x4_t g = vdupq_n_f32(gamma[rows[f]]);
                    for (int32_t j = 0; j < 4; j++) {
                        /* acc already equals sum w*q: the signed bytes carry no offset. */
                        if (tap_sums) {
                            vst1q_s32(tap_sums + ((size_t)(t0 + f) * K + k) * OP + o0 + 4 * j, acc[f][j]);
                        } else {
                            facc[f][j] = vfmaq_f32(facc[f][j], vcvtq_f32_s32(acc[f][j]), g);
                        }
                    }
                }
            }
            if (tap_sums) continue;
            for (int32_t f = 0; f < frames; f++) {
                float *orow = out + (t0 + f) * out_stride + o0;
                for (int32_t j = 0; j < 4; j++) {
                    const float32x4_t s = vld1q_f32(L->scale + o0 + 4 * j);
                    const float32x4_t b = vld1q_f32(L->bias + o0 + 4 * j);
                    vst1q_f32(orow + 4 * j, vfmaq_f32(b, facc[f][j], s));
                }
            }
        }
    }
}
#endif
