"""The layers the engine's networks are made of, read from a packed model by tensor name.

This is the public interface every network in a model file is built with: the acoustic model
and vocoder (engine/model.py) and the neural G2P (engine/text/neural_g2p.py). A
:class:`LayerReader` takes the names of engine/tensor_names.py (``ConvNames``, ``NormNames``,
``BlockNames``) and returns ready layers: a ternary convolution runs in the native kernels
(engine/kernels.py), a higher-precision one as a :class:`FloatConv1d` in NumPy. Every missing
or misshapen tensor raises ``ModelFormatError`` naming it. The Vocos vocoder's float layers
live here too: :class:`DepthwiseConv1d` (with its plain reference), :func:`gelu_tanh` and the
:class:`ConvNeXtBlock` they make with two ternary 1x1 convs.

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
            out = x @ self.matrix
        else:
            padded = np.pad(x, ((self.padding, self.padding), (0, 0)))
            frames = padded.shape[0] - self.kernel_size + 1
            cols = np.concatenate([padded[k : k + frames] for k in range(self.kernel_size)], axis=1)
            del padded
            out = cols @ self.matrix
        out += self.bias  # in place: no second array of the output's size (the Vocos head's is 3 MB)
        return out


class DepthwiseConv1d:
    """A float depthwise convolution over frames: channel c is filtered by its own ``kernel``
    taps (weight [channels, 1, kernel], bias [channels], zero ``padding`` frames on each side).
    One multiply-add of shifted frames per tap."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, padding: int):
        if weight.ndim != 3 or weight.shape[1] != 1 or bias.shape != weight.shape[:1]:
            raise ValueError(f"depthwise weight must be [channels, 1, kernel] with a bias each, got {weight.shape}")
        self.channels, _, self.kernel_size = weight.shape
        self.taps = np.ascontiguousarray(weight[:, 0, :].T, np.float32)  # [kernel, channels]
        self.bias = bias.astype(np.float32)
        self.padding = padding

    def __call__(self, x: np.ndarray) -> np.ndarray:
        padded = np.pad(x.astype(np.float32, copy=False), ((self.padding, self.padding), (0, 0)))
        frames = padded.shape[0] - self.kernel_size + 1
        out = padded[:frames] * self.taps[0] + self.bias
        for k in range(1, self.kernel_size):
            out += padded[k : k + frames] * self.taps[k]
        return out


def depthwise_conv1d_reference(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, padding: int) -> np.ndarray:
    """Plain definition of :class:`DepthwiseConv1d`, in float64: out[t, c] = bias[c] +
    sum_k weight[c, 0, k] * x[t + k - padding, c], x zero outside its frames."""
    channels, _, kernel = weight.shape
    frames = x.shape[0] + 2 * padding - kernel + 1
    out = np.zeros((max(frames, 0), channels))
    for t in range(out.shape[0]):
        for k in range(kernel):
            src = t + k - padding
            if 0 <= src < x.shape[0]:
                out[t] += weight[:, 0, k].astype(np.float64) * x[src]
    return out + bias


GELU_TANH_C = np.float32(np.sqrt(2 / np.pi))  # torch's F.gelu(approximate="tanh")


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """The tanh approximation of GELU, 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), in
    float32 like torch's; computed in place on a fresh array."""
    inner = x * x
    inner *= np.float32(0.044715)
    inner += 1
    inner *= x
    inner *= GELU_TANH_C
    np.tanh(inner, out=inner)
    inner += 1
    inner *= x
    inner *= np.float32(0.5)
    return inner


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


class ConvNeXtBlock:
    """x + scale * project(gelu(expand(norm(depthwise(x))))) - training/model/vocos.py's blocks:
    ``expand`` and ``project`` are 1x1 convs (ternary in a quantized file), ``scale`` one
    factor per channel."""

    def __init__(self, depthwise: DepthwiseConv1d, norm: LayerNorm, expand, project, scale: np.ndarray):
        self.depthwise, self.norm, self.expand, self.project = depthwise, norm, expand, project
        self.scale = scale.reshape(-1).astype(np.float32)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        h = self.project(gelu_tanh(self.expand(self.norm(self.depthwise(x)))))
        h *= self.scale
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

    def depthwise(self, names: ConvNames) -> DepthwiseConv1d:
        """A float depthwise conv (weight [channels, 1, kernel]); its padding keeps the frame count."""
        weight = self.f32(names.weight)
        if weight.ndim != 3 or weight.shape[1] != 1:
            raise ModelFormatError(f"tensor {names.weight!r} has shape {weight.shape}, not [channels, 1, kernel]")
        return DepthwiseConv1d(weight, self.f32(names.bias, weight.shape[:1]), weight.shape[2] // 2)

    def norm(self, names: NormNames) -> LayerNorm:
        return LayerNorm(self.f32(names.weight), self.f32(names.bias))

    def block(self, names: BlockNames, leaky: float = 0.0, dilation: int = 1) -> ConvBlock:
        """A residual block; its conv keeps the frame count (``dilation * (kernel // 2)`` padding)."""
        return ConvBlock(self.norm(names.norm), self.conv(names.conv, dilation=dilation), leaky)
