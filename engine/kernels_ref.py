"""Plain NumPy reference of the ternary kernels: the test oracle and the readable definition.

Same signatures as the native classes in ``bittts.engine._native``. Slow on purpose: every
step is written out as the maths says, in int32 and float64 where the native code uses int32
and float32.
"""

from __future__ import annotations

import numpy as np

QMAX = 127  # int8 activations use [-127, 127]: symmetric, so -x quantizes to -q


def quantize_frames(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame absmax quantization: float32 x[frames, c] -> (int8 q[frames, c], float32 gamma[frames]).

    gamma_t = max_c |x_t,c| and q = round_half_even(x * (127 / gamma)), in float32 like the C code.
    All-zero (or non-finite) frames give gamma 0 and q 0.
    """
    x = np.asarray(x, dtype=np.float32)
    gamma = np.abs(x).max(axis=1) if x.shape[1] else np.zeros(x.shape[0], np.float32)
    gamma = np.where(np.isfinite(gamma) & (gamma > 0), gamma, np.float32(0)).astype(np.float32)
    q = np.zeros(x.shape, np.int8)
    live = gamma > 0
    inv = np.float32(QMAX) / gamma[live]  # float32 division, as in C
    q[live] = np.rint(x[live] * inv[:, None]).clip(-QMAX, QMAX).astype(np.int8)
    return q, gamma


class TernaryConv1d:
    """Reference ternary 1-D convolution; see ``bittts.engine._native.TernaryConv1d``."""

    def __init__(self, weights, scale, bias=None, dilation: int = 1, padding: int = 0):
        w = np.asarray(weights)
        if w.ndim != 3:
            raise ValueError(f"weights must be [c_out, c_in, kernel_size], got shape {w.shape}")
        if w.size and (w.min() < -1 or w.max() > 1):
            raise ValueError("ternary weights must be in {-1, 0, 1}")
        if dilation < 1 or padding < 0:
            raise ValueError("dilation must be >= 1 and padding >= 0")
        self.c_out, self.c_in, self.kernel_size = w.shape
        if min(w.shape) < 1:
            raise ValueError(f"empty layer shape {w.shape}")
        self.dilation, self.padding = dilation, padding
        self.weights = w.astype(np.int32)
        self.scale = np.broadcast_to(np.asarray(scale, np.float32), (self.c_out,)).astype(np.float64)
        self.bias = np.zeros(self.c_out) if bias is None else np.asarray(bias, np.float64)
        if self.bias.shape != (self.c_out,):
            raise ValueError(f"bias must have {self.c_out} values, got shape {self.bias.shape}")

    def out_frames(self, frames: int) -> int:
        return frames + 2 * self.padding - self.dilation * (self.kernel_size - 1)

    def tap_sums(self, xq: np.ndarray) -> np.ndarray:
        """int8 q[frames, c_in] -> int32 [frames_out, kernel_size, c_out] = sum_c w[o, c, k] * q[t + k*d - pad, c]."""
        q = np.asarray(xq)
        if q.dtype != np.int8 or q.ndim != 2 or q.shape[1] != self.c_in:
            raise ValueError(f"expected int8 [frames, {self.c_in}], got {q.dtype} {q.shape}")
        frames_out = self.out_frames(q.shape[0])
        if frames_out < 1:
            return np.zeros((max(frames_out, 0), self.kernel_size, self.c_out), np.int32)
        padded = np.zeros((q.shape[0] + 2 * self.padding, self.c_in), np.int32)
        padded[self.padding : self.padding + q.shape[0]] = q
        sums = np.empty((frames_out, self.kernel_size, self.c_out), np.int32)
        for k in range(self.kernel_size):
            start = k * self.dilation
            sums[:, k, :] = padded[start : start + frames_out] @ self.weights[:, :, k].T
        return sums

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """float32 x[frames, c_in] -> float32 [frames_out, c_out]."""
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.c_in:
            raise ValueError(f"input must be [frames, {self.c_in}], got shape {x.shape}")
        frames_out = self.out_frames(x.shape[0])
        if frames_out < 1:
            return np.zeros((max(frames_out, 0), self.c_out), np.float32)
        q, gamma = quantize_frames(x)
        taps = self.tap_sums(q).astype(np.float64)
        gamma_padded = np.concatenate([np.zeros(self.padding), gamma, np.zeros(self.padding)])
        acc = np.zeros((frames_out, self.c_out))
        for k in range(self.kernel_size):
            start = k * self.dilation
            acc += taps[:, k, :] * gamma_padded[start : start + frames_out, None]
        return (acc * (self.scale / QMAX) + self.bias).astype(np.float32)


def dequantized_conv1d(x: np.ndarray, weights: np.ndarray, scale, bias=None, dilation: int = 1, padding: int = 0):
    """The float model the kernels approximate: conv of the fake-quantized activations with beta * W."""
    q, gamma = quantize_frames(x)
    x_dq = q.astype(np.float64) * (gamma[:, None].astype(np.float64) / QMAX)
    w = (
        np.asarray(weights, np.float64)
        * np.broadcast_to(np.asarray(scale, np.float64), (weights.shape[0],))[:, None, None]
    )
    c_out, _, kernel_size = w.shape
    padded = np.pad(x_dq, ((padding, padding), (0, 0)))
    frames_out = padded.shape[0] - dilation * (kernel_size - 1)
    out = np.zeros((frames_out, c_out))
    for k in range(kernel_size):
        out += padded[k * dilation : k * dilation + frames_out] @ w[:, :, k].T
    if bias is not None:
        out += np.asarray(bias, np.float64)
    return out
