# Type stub for the Cython extension built from _native.pyx (the native ternary kernels).
# Keep it in step with _native.pyx; mypy reads this instead of the compiled module.
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

OUT_BLOCK: int
MAX_CHANNELS: int
MAX_KERNEL_SIZE: int
MAX_DILATION: int
MAX_PADDING: int
MAX_LAYER_BYTES: int
MAX_HOP: int

def kernel_name() -> str: ...
def available_kernels() -> tuple[str, ...]: ...
def set_kernel(name: str) -> None: ...
def unpack_trits(packed: Any, count: int) -> NDArray[np.int8]: ...

class TernaryConv1d:
    c_in: int
    c_out: int
    kernel_size: int
    dilation: int
    padding: int
    def __init__(
        self, weights: ArrayLike, scale: ArrayLike, bias: ArrayLike | None = None, dilation: int = 1, padding: int = 0
    ) -> None: ...
    @property
    def nbytes(self) -> int: ...
    def out_frames(self, frames: int) -> int: ...
    def __call__(self, x: ArrayLike) -> NDArray[np.float32]: ...
    def tap_sums(self, xq: ArrayLike) -> NDArray[np.int32]: ...

def quantize_frames(x: ArrayLike) -> tuple[NDArray[np.int8], NDArray[np.float32]]: ...
def harmonic_synth(
    f0: ArrayLike, amplitudes: ArrayLike, hop: int, sample_rate: float, phase: float = 0.0, count: int | None = None
) -> tuple[NDArray[np.float32], float]: ...
