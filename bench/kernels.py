"""Ternary kernel benchmark: native kernels against NumPy float32 (BLAS) and the reference.

Run: .venv/bin/python bench/kernels.py [--repeat N] [--quick]

Single thread throughout (BLAS threads pinned to 1 before NumPy loads). For each layer shape
typical of the model it times, on the same input:
  native     the dispatched SIMD kernel (per-frame int8 quantization included)
  generic    the portable C kernel
  blas-mm    NumPy float32 matmul of the im2col'd input with the dequantized weights (matmul only)
  blas-conv  the same with the im2col copy included
  reference  the plain NumPy reference (int32 matmuls per tap)
and prints time, GOP/s (2 * frames * c_out * c_in * kernel_size operations) and ratios, then
the resident memory of the decoded weights against their packed size.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bittts.engine import kernels, kernels_ref  # noqa: E402
from bittts.engine.model_format import pack_trits  # noqa: E402

SHAPES = [  # (c_in, c_out, kernel_size, frames)
    (256, 256, 5, 100),
    (256, 256, 5, 300),
    (256, 256, 5, 1000),
    (192, 192, 5, 100),
    (192, 192, 5, 300),
    (192, 192, 5, 1000),
    (256, 192, 1, 300),
    (80, 256, 5, 300),
]


def best_time(fn, repeat: int) -> float:
    fn()  # warm up caches and lazy set-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def im2col(x: np.ndarray, kernel_size: int, padding: int) -> np.ndarray:
    padded = np.pad(x, ((padding, padding), (0, 0)))
    frames = padded.shape[0] - kernel_size + 1
    return np.concatenate([padded[k : k + frames] for k in range(kernel_size)], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="fewer shapes and repeats (a smoke run)")
    args = parser.parse_args()
    shapes = SHAPES[:2] if args.quick else SHAPES
    repeat = 3 if args.quick else args.repeat
    rng = np.random.default_rng(0)
    best = kernels.available_kernels()[0]
    print(f"kernels available: {', '.join(kernels.available_kernels())}; native = {best}; one thread\n")
    header = (
        f"{'shape (cin>cout k frames)':<26}{'native':>10}{'generic':>10}{'blas-mm':>10}{'blas-conv':>10}"
        f"{'reference':>10}"
        f"{'GOP/s':>8}{'x blas-mm':>10}{'x blas-conv':>12}{'x ref':>8}"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    for c_in, c_out, k, frames in shapes:
        w = rng.integers(-1, 2, size=(c_out, c_in, k)).astype(np.int8)
        w[rng.random(w.shape) < 0.35] = 0  # trained ternary layers are about a third zeros
        beta = np.float32(0.05)
        x = rng.normal(size=(frames, c_in)).astype(np.float32)
        pad = k // 2
        native = kernels.TernaryConv1d(w, beta, padding=pad)
        reference = kernels_ref.TernaryConv1d(w, beta, padding=pad)
        w_mat = np.ascontiguousarray((w.astype(np.float32) * beta).transpose(2, 1, 0).reshape(k * c_in, c_out))
        cols = im2col(x, k, pad)

        t_native = best_time(lambda: native(x), repeat)
        kernels.set_kernel("generic")
        t_generic = best_time(lambda: native(x), max(1, repeat // 4))
        kernels.set_kernel("auto")
        t_mm = best_time(lambda: cols @ w_mat, repeat)
        t_conv = best_time(lambda: im2col(x, k, pad) @ w_mat, repeat)
        t_ref = best_time(lambda: reference(x), max(1, repeat // 4))
        gops = 2 * frames * c_out * c_in * k / t_native / 1e9
        ratios.append(t_mm / t_native)
        print(
            f"{f'{c_in}>{c_out} k{k} T{frames}':<26}{t_native * 1e3:>8.3f}ms{t_generic * 1e3:>8.3f}ms"
            f"{t_mm * 1e3:>8.3f}ms{t_conv * 1e3:>8.3f}ms{t_ref * 1e3:>8.2f}ms{gops:>8.1f}"
            f"{t_mm / t_native:>9.2f}x{t_conv / t_native:>11.2f}x{t_ref / t_native:>7.0f}x"
        )
    print(
        f"\nnative vs NumPy float32 matmul: geometric mean {np.exp(np.mean(np.log(ratios))):.2f}x faster "
        f"(target >= 3x), worst {min(ratios):.2f}x"
    )

    print("\nweight memory (256>256 k5 layer):")
    w = rng.integers(-1, 2, size=(256, 256, 5)).astype(np.int8)
    packed = pack_trits(w.reshape(256, -1)).nbytes
    layer = kernels.TernaryConv1d(w, 0.05)
    print(f"  packed in the file: {packed / 1024:.1f} KiB ({8 * packed / w.size:.2f} bits/weight)")
    print(f"  decoded, resident:  {layer.nbytes / 1024:.1f} KiB ({8 * layer.nbytes / w.size:.2f} bits/weight)")
    print(f"  fp32 equivalent:    {w.size * 4 / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
