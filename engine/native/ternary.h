/* Ternary (1.58-bit) kernels on int8 activations: shared declarations.
 *
 * Layout contract (see docs/kernels.md):
 *   activations  xq[(T + 2*padding) rows][c_in4]   uint8, value = q + 128, q in [-127, 127]
 *   frame scales gamma[T + 2*padding]              float, absmax of each frame (0 for padding)
 *   weights      w[kernel_size][c_in4/4][c_out_pad][4]  int8 in {-1, 0, +1}
 *   compensation comp[kernel_size][c_out_pad]      int32, 128 * sum_c w  (undoes the +128 offset)
 *   output       out[T_out][out_stride]            float, out_stride >= c_out_pad
 * c_in4 is c_in rounded up to a multiple of 4 and c_out_pad is c_out rounded up to a multiple of
 * BT_OUT_BLOCK; the padding holds zero weights, so it adds nothing.
 */
#ifndef BITTTS_TERNARY_H
#define BITTTS_TERNARY_H

#include <stddef.h>
#include <stdint.h>

#define BT_OUT_BLOCK 32

typedef struct {
    int32_t c_in, c_out, kernel_size, dilation, padding;
    int32_t c_in4, c_out_pad;
    const int8_t *w;
    const int32_t *comp;
    const float *scale; /* [c_out_pad]: beta / 127 per output channel */
    const float *bias;  /* [c_out_pad] */
} bt_conv_layer;

/* out_frames: T_out. If tap_sums is not NULL the kernel writes the exact integer part,
 * int32 tap_sums[T_out][kernel_size][c_out_pad] = sum_c w * q, and leaves out untouched. */
typedef void (*bt_conv1d_fn)(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
                             int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums);

void bt_conv1d_generic(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
                       int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define BT_HAVE_X86 1
void bt_conv1d_avx2(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
                    int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums);
void bt_conv1d_avx512vnni(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
                          int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums);
void bt_quantize_frames_avx512(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                               int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma);
#endif
#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#define BT_HAVE_NEON_DOTPROD 1
void bt_conv1d_neon_dotprod(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
                            int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums);
#endif

/* Dispatch (ternary_dispatch.c): the best kernel this CPU runs, chosen once. */
void bt_conv1d(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
               int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums);
const char *bt_kernel_name(void);
/* Force a kernel by name ("generic", "avx2", "avx512vnni", "neon_dotprod", or "auto");
 * returns 0 on success, -1 if this build or CPU cannot run it. */
int bt_set_kernel(const char *name);
/* Comma-separated names of the kernels this build and CPU can run. */
const char *bt_available_kernels(void);

typedef void (*bt_quantize_fn)(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                               int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma);

/* Per-frame absmax quantization of x[rows][row_stride] (c_in used columns) into the padded
 * activation layout above. Rows [0, padding) and [padding + rows, ...) are zero frames.
 * Non-finite frames quantize to zeros with gamma 0. bt_quantize_frames dispatches like
 * bt_conv1d; bt_quantize_frames_generic is the portable version. */
void bt_quantize_frames_generic(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                                int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma);
void bt_quantize_frames(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                        int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma);

/* 5 trits per byte: byte = sum_i (w_i + 1) * 3^i, i = 0 the first weight.
 * Decodes n weights into out; returns -1 if a byte is above 242. */
int bt_unpack_trits(const uint8_t *packed, int64_t n, int8_t *out);

/* DDSP harmonic oscillator bank (dsp.c): f0[frames] Hz and amps[frames][harmonics] at frame
 * starts, linearly interpolated to samples; phase_io carries the running phase in and out.
 * Writes count * hop samples (count <= frames): frame t glides toward frame t + 1 when there is
 * one, the last frame is held. count < frames vocodes an utterance in parts that join exactly.
 * Returns -1 if out of memory. */
int bt_harmonic_synth(const float *f0, const float *amps, int64_t frames, int64_t count, int32_t harmonics,
                      int32_t hop, double sample_rate, double *phase_io, float *out);

#endif
