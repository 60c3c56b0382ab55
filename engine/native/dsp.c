/* Harmonic oscillator bank of the DDSP vocoder (see docs/dsp.md and engine/dsp.py for the
 * NumPy reference). The inner loops run across the samples of one frame, so the compiler
 * vectorizes them; sin(k phi) comes from the angle-addition recurrence, not from libm. */
#include <math.h>
#include <stdlib.h>

#include "ternary.h"

#define TWO_PI 6.283185307179586

int bt_harmonic_synth(const float *f0, const float *amps, int64_t frames, int64_t count, int32_t harmonics,
                      int32_t hop, double sample_rate, double *phase_io, float *out)
{
    double *buf = (double *)malloc(sizeof(double) * 6 * (size_t)hop);
    if (!buf) return -1;
    double *s1 = buf, *c1 = buf + hop, *s = buf + 2 * hop, *c = buf + 3 * hop, *y = buf + 4 * hop, *frac = buf + 5 * hop;
    double phase = *phase_io;
    for (int32_t j = 0; j < hop; j++) frac[j] = (double)j / hop;
    for (int64_t t = 0; t < count; t++) {
        const int64_t tn = t + 1 < frames ? t + 1 : t;
        const double fa = f0[t], fb = f0[tn];
        for (int32_t j = 0; j < hop; j++) {
            phase += TWO_PI * (fa + (fb - fa) * frac[j]) / sample_rate;
            if (phase >= TWO_PI) phase -= TWO_PI * floor(phase / TWO_PI);
            s1[j] = sin(phase);
            c1[j] = cos(phase);
            s[j] = s1[j];
            c[j] = c1[j];
            y[j] = 0.0;
        }
        const float *a_now = amps + t * harmonics, *a_next = amps + tn * harmonics;
        int32_t top = harmonics;  /* skip the silent harmonics at the top of both frames */
        while (top > 0 && a_now[top - 1] == 0.0f && a_next[top - 1] == 0.0f) top--;
        for (int32_t k = 0; k < top; k++) {
            const double a0 = a_now[k], da = (double)a_next[k] - a0;
            for (int32_t j = 0; j < hop; j++) {
                y[j] += (a0 + da * frac[j]) * s[j];
                const double ns = s[j] * c1[j] + c[j] * s1[j];
                c[j] = c[j] * c1[j] - s[j] * s1[j];
                s[j] = ns;
            }
        }
        float *o = out + t * hop;
        for (int32_t j = 0; j < hop; j++) o[j] = (float)y[j];
    }
    *phase_io = phase;
    free(buf);
    return 0;
}
