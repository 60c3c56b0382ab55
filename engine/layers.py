"""The layers the engine's networks are made of, read from a packed model by tensor name.

This is the public interface every network in a model file is built with: the acoustic model
and vocoder (engine/model.py) and the neural G2P (engine/text/neural_g2p.py). A
:class:`LayerReader` takes the names of engine/tensor_names.py (``ConvNames``, ``NormNames``,
``BlockNames``) and returns ready layers: a ternary convolution runs in the native kernels
(engine/kernels.py), a higher-precision one as a :class:`FloatConv1d` in NumPy. Every missing
or misshapen tensor raises ``ModelFormatError`` naming it.

Frames are rows: a layer maps [frames, c_in] to [frames, c_out]. Layers are immutable after
loading and can serve several threads at once.
"""

from __future__ import annotations

import numpy as np

from bittts.engine.kernels import TernaryConv1d
from bittts.engine.model_format import DType, ModelFile, ModelFormatError
from bittts.engine.tensor_names import BlockNames, ConvNames, NormNames

LAYER_NORM_EPS = 1e-5


class FloatConv1d:
    """A float convolution over frames (for the few layers kept at higher precision)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray | None, padding: int):
        self.c_out, self.c_in, self.kernel_size = weight.shape
        # [K * c_in, c_out] so that a conv is one matmul of shifted frames
        self.matrix = np.ascontiguousarray(weight.transpose(2, 1, 0).reshape(-1, self.c_out), np.float32)
        self.bias = np.zeros(self.c_out, np.float32) if bias is None else bias.astype(np.float32)
        self.padding = padding

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.kernel_size == 1:
            return x @ self.matrix + self.bias
        padded = np.pad(x, ((self.padding, self.padding), (0, 0)))
        frames = padded.shape[0] - self.kernel_size + 1
        cols = np.concatenate([padded[k : k + frames] for k in range(self.kernel_size)], axis=1)
        return cols @ self.matrix + self.bias


class LayerNorm:
    """LayerNorm over the channels of every frame."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        self.weight, self.bias = weight.astype(np.float32), bias.astype(np.float32)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        mean = x.mean(axis=1, keepdims=True)
        centred = x - mean
        var = np.mean(centred * centred, axis=1, keepdims=True)
        return centred / np.sqrt(var + LAYER_NORM_EPS) * self.weight + self.bias


class ConvBlock:
    """x + act(conv(norm(x))), act ReLU or leaky ReLU - training/model/quant.py ConvBlock."""

    def __init__(self, norm: LayerNorm, conv, leaky: float = 0.0):
        self.norm, self.conv, self.leaky = norm, conv, leaky

    def __call__(self, x: np.ndarray) -> np.ndarray:
        h = self.conv(self.norm(x))
        h = np.where(h > 0, h, h * self.leaky) if self.leaky else np.maximum(h, 0)
        return x + h


class LayerReader:
    """Typed access to a model file's tensors and layers, with clear errors for missing or wrong ones."""

    def __init__(self, model: ModelFile):
        self.model = model

    def f32(self, name: str, shape: tuple | None = None) -> np.ndarray:
        """Any tensor as float32 (scales applied), of ``shape`` when given."""
        arr = self.model.dequantized(name)
        if shape is not None and arr.shape != tuple(shape):
            raise ModelFormatError(f"tensor {name!r} has shape {arr.shape}, expected {tuple(shape)}")
        return arr

    def conv(self, names: ConvNames, padding: int | None = None, dilation: int = 1):
        """A conv layer: a native ternary layer for a TERNARY weight, else a :class:`FloatConv1d`.
        ``padding`` defaults to ``dilation * (kernel // 2)`` (the output keeps the input's frames)."""
        info = self.model.tensor_info(names.weight)
        bias = self.f32(names.bias)
        kernel_size = info.shape[-1]
        pad = kernel_size // 2 * dilation if padding is None else padding
        if info.dtype == DType.TERNARY:
            scales = info.scales if len(info.scales) > 1 else info.scales[0]
            return TernaryConv1d(self.model.ternary(names.weight), scales, bias, dilation=dilation, padding=pad)
        return FloatConv1d(self.f32(names.weight), bias, pad)

    def norm(self, names: NormNames) -> LayerNorm:
        return LayerNorm(self.f32(names.weight), self.f32(names.bias))

    def block(self, names: BlockNames, leaky: float = 0.0, dilation: int = 1) -> ConvBlock:
        """A residual block; its conv keeps the frame count (``dilation * (kernel // 2)`` padding)."""
        return ConvBlock(self.norm(names.norm), self.conv(names.conv, dilation=dilation), leaky)
