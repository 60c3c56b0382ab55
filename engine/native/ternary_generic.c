/* Portable C kernels: the fallback on every CPU and the shape of what the SIMD paths do. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ternary.h"

void bt_quantize_frames_generic(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                        int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma)
{
    const int64_t total = rows + 2 * (int64_t)padding;
    memset(xq, 128, (size_t)(total * c_in4));
    for (int32_t p = 0; p < padding; p++) {
        gamma[p] = 0.0f;
        gamma[total - 1 - p] = 0.0f;
    }
    for (int64_t t = 0; t < rows; t++) {
        const float *xr = x + t * row_stride;
        uint8_t *qr = xq + (t + padding) * c_in4;
        float absmax = 0.0f;
        for (int32_t c = 0; c < c_in; c++) {
            float a = fabsf(xr[c]);
            if (!(a <= FLT_MAX)) { /* NaN or infinity */
                absmax = INFINITY;
                break;
            }
            if (a > absmax) absmax = a;
        }
        gamma[t + padding] = absmax;
        if (!(absmax > 0.0f) || !isfinite(absmax)) {
            /* A silent (or broken) frame quantizes to zeros and contributes nothing. */
            gamma[t + padding] = 0.0f;
            continue;
        }
        const float inv = 127.0f / absmax;
        for (int32_t c = 0; c < c_in; c++) {
            float q = rintf(xr[c] * inv);
            if (q > 127.0f) q = 127.0f;
            if (q < -127.0f) q = -127.0f;
            qr[c] = (uint8_t)((int)q + 128);
        }
    }
}

int bt_unpack_trits(const uint8_t *packed, int64_t n, int8_t *out)
{
    for (int64_t i = 0; i < n; i += 5) {
        unsigned b = packed[i / 5];
        if (b > 242) return -1;
        for (int j = 0; j < 5 && i + j < n; j++) {
            out[i + j] = (int8_t)((int)(b % 3) - 1);
            b /= 3;
        }
    }
    return 0;
}

void bt_conv1d_generic(const bt_conv_layer *L, const uint8_t *xq, const float *gamma,
                       int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums)
{
    const int32_t K = L->kernel_size, groups = L->c_in4 / 4, OP = L->c_out_pad;
    int32_t acc[BT_OUT_BLOCK];
    float facc[BT_OUT_BLOCK];
    for (int64_t t = 0; t < out_frames; t++) {
        for (int32_t o0 = 0; o0 < OP; o0 += BT_OUT_BLOCK) {
            for (int32_t j = 0; j < BT_OUT_BLOCK; j++) facc[j] = 0.0f;
            for (int32_t k = 0; k < K; k++) {
                const int64_t row = t + (int64_t)k * L->dilation;
                const uint8_t *xr = xq + row * L->c_in4;
                const int8_t *wp = L->w + ((size_t)k * groups * OP + o0) * 4;
                for (int32_t j = 0; j < BT_OUT_BLOCK; j++) acc[j] = 0;
                for (int32_t g = 0; g < groups; g++, wp += (size_t)OP * 4) {
                    const int32_t x0 = xr[4 * g], x1 = xr[4 * g + 1];
                    const int32_t x2 = xr[4 * g + 2], x3 = xr[4 * g + 3];
                    for (int32_t j = 0; j < BT_OUT_BLOCK; j++) {
                        const int8_t *w4 = wp + 4 * j;
                        acc[j] += x0 * w4[0] + x1 * w4[1] + x2 * w4[2] + x3 * w4[3];
                    }
                }
                const int32_t *comp = L->comp + (size_t)k * OP + o0;
                if (tap_sums) {
                    int32_t *ts = tap_sums + ((size_t)t * K + k) * OP + o0;
                    for (int32_t j = 0; j < BT_OUT_BLOCK; j++) ts[j] = acc[j] - comp[j];
                } else {
                    const float g = gamma[row];
                    for (int32_t j = 0; j < BT_OUT_BLOCK; j++) facc[j] += (float)(acc[j] - comp[j]) * g;
                }
            }
            if (!tap_sums) {
                float *orow = out + t * out_stride + o0;
                for (int32_t j = 0; j < BT_OUT_BLOCK; j++)
                    orow[j] = facc[j] * L->scale[o0 + j] + L->bias[o0 + j];
            }
        }
    }
}
