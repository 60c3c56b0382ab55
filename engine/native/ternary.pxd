# Shared C declarations of the native ternary kernels (engine/native/ternary.h).
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t

cdef extern from "ternary.h" nogil:
    int BT_OUT_BLOCK

    ctypedef struct bt_conv_layer:
        int32_t c_in, c_out, kernel_size, dilation, padding
        int32_t c_in4, c_out_pad
        const int8_t *w
        const int32_t *comp
        const float *scale
        const float *bias

    void bt_conv1d(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
                   int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums)
    const char *bt_kernel_name()
    int bt_set_kernel(const char *name)
    const char *bt_available_kernels()
    void bt_quantize_frames(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                            int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma)
    int bt_unpack_trits(const uint8_t *packed, int64_t n, int8_t *out)
    int bt_harmonic_synth(const float *f0, const float *amps, int64_t frames, int64_t count, int32_t harmonics,
                          int32_t hop, double sample_rate, double *phase_io, float *out)
