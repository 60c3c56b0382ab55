/* The one place that picks a kernel for this CPU. */
#include <string.h>

#include "ternary.h"

typedef struct {
    const char *name;
    bt_conv1d_fn conv1d;
    bt_quantize_fn quantize;
} kernel_entry;

static int cpu_has(const char *name)
{
    if (strcmp(name, "generic") == 0) return 1;
#ifdef BT_HAVE_X86
    __builtin_cpu_init();
    if (strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(name, "avx512vnni") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vnni");
#endif
#ifdef BT_HAVE_NEON_DOTPROD
    if (strcmp(name, "neon_dotprod") == 0) return 1; /* the compiler targets it, so the CPU has it */
#endif
    return 0;
}

/* Best first. */
static const kernel_entry kernels[] = {
#ifdef BT_HAVE_X86
    {"avx512vnni", bt_conv1d_avx512vnni, bt_quantize_frames_avx512},
    {"avx2", bt_conv1d_avx2, bt_quantize_frames_generic},
#endif
#ifdef BT_HAVE_NEON_DOTPROD
    {"neon_dotprod", bt_conv1d_neon_dotprod, bt_quantize_frames_generic},
#endif
    {"generic", bt_conv1d_generic, bt_quantize_frames_generic},
};
#define KERNEL_COUNT (sizeof(kernels) / sizeof(kernels[0]))

static const kernel_entry *chosen = NULL;

static const kernel_entry *best_kernel(void)
{
    for (size_t i = 0; i < KERNEL_COUNT; i++)
        if (cpu_has(kernels[i].name)) return &kernels[i];
    return &kernels[KERNEL_COUNT - 1];
}

static inline const kernel_entry *current(void)
{
    const kernel_entry *k = chosen;
    if (!k) k = chosen = best_kernel(); /* a benign race: every thread picks the same entry */
    return k;
}

void bt_conv1d(const bt_conv_layer *layer, const uint8_t *xq, const float *gamma,
               int64_t out_frames, float *out, int64_t out_stride, int32_t *tap_sums)
{
    current()->conv1d(layer, xq, gamma, out_frames, out, out_stride, tap_sums);
}

void bt_quantize_frames(const float *x, int64_t rows, int32_t c_in, int64_t row_stride,
                        int32_t padding, int32_t c_in4, uint8_t *xq, float *gamma)
{
    current()->quantize(x, rows, c_in, row_stride, padding, c_in4, xq, gamma);
}

const char *bt_kernel_name(void)
{
    return current()->name;
}

int bt_set_kernel(const char *name)
{
    if (strcmp(name, "auto") == 0) {
        chosen = best_kernel();
        return 0;
    }
    for (size_t i = 0; i < KERNEL_COUNT; i++) {
        if (strcmp(kernels[i].name, name) == 0 && cpu_has(name)) {
            chosen = &kernels[i];
            return 0;
        }
    }
    return -1;
}

const char *bt_available_kernels(void)
{
    static char names[128];
    if (names[0]) return names;
    char buf[128] = "";
    for (size_t i = 0; i < KERNEL_COUNT; i++) {
        if (!cpu_has(kernels[i].name)) continue;
        if (buf[0]) strcat(buf, ",");
        strcat(buf, kernels[i].name);
    }
    memcpy(names, buf, sizeof(buf));
    return names;
}
