"""The ternary kernels the engine runs: native (Cython/C, SIMD chosen at run time).

``bittts.engine.kernels_ref`` holds the plain NumPy reference with the same signatures.
"""

from __future__ import annotations

BUILD_HINT = (
    "The native kernels of BitTTS (bittts.engine._native) are not built. Build them with "
    "`pip install .` (or `pip install -e .` in a checkout), or in place with "
    "`python setup.py build_ext --inplace`; this needs a C compiler and the Python headers."
)


class NativeExtensionMissing(ImportError):
    """The Cython extension is not built for this Python."""


try:
    from bittts.engine._native import (  # noqa: F401
        TernaryConv1d,
        available_kernels,
        kernel_name,
        quantize_frames,
        set_kernel,
        unpack_trits,
    )
except ImportError as exc:  # pragma: no cover - exercised by a subprocess test
    raise NativeExtensionMissing(f"{BUILD_HINT} ({exc})") from exc


def TernaryLinear(weights, scale, bias=None) -> TernaryConv1d:
    """A ternary linear layer over frames: weights [c_out, c_in]; a kernel-size-1 convolution."""
    import numpy as np

    w = np.asarray(weights)
    if w.ndim != 2:
        raise ValueError(f"linear weights must be [c_out, c_in], got shape {w.shape}")
    return TernaryConv1d(w[:, :, None], scale, bias)
