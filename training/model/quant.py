"""BitNet b1.58-style quantization-aware layers.

The forward pass computes exactly what the engine's kernels compute (engine/kernels_ref.py):
weights round to {-1, 0, +1} times beta = mean |W| over the whole tensor, activations round
per frame to int8 with gamma = max |x| over channels. Gradients pass straight through the
rounding (straight-through estimator); master weights stay fp32.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

QMAX = 127.0
EPS = 1e-5


def ternarize(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(trits in {-1, 0, 1}, beta): W ~ beta * trits, beta = mean |W| (the paper's absmean)."""
    beta = weight.detach().abs().mean().clamp(min=EPS)
    trits = (weight.detach() / beta).round().clamp(-1, 1)
    return trits, beta


def fake_quant_weight(weight: torch.Tensor) -> torch.Tensor:
    trits, beta = ternarize(weight)
    return weight + (trits * beta - weight).detach()


def fake_quant_frames(x: torch.Tensor) -> torch.Tensor:
    """x [batch, channels, frames]: int8 absmax quantization of every frame, with STE."""
    with torch.autocast(device_type=x.device.type, enabled=False):
        xf = x.float()
        gamma = xf.detach().abs().amax(dim=1, keepdim=True)
        scale = torch.where(gamma > 0, QMAX / gamma.clamp(min=1e-30), torch.zeros_like(gamma))
        q = (xf.detach() * scale).round().clamp(-QMAX, QMAX)
        dequant = q * (gamma / QMAX)
        return (xf + (dequant - xf).detach()).to(x.dtype)


class TernaryConv1d(nn.Conv1d):
    """Conv1d whose weights are ternary and whose input frames are int8, in the forward pass.

    ``quantized=False`` makes it a plain fp32 conv (for the fp32 baselines of the paper's table).
    """

    def __init__(self, *args, quantized: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.quantized = quantized

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.quantized:
            return super().forward(x)
        return self._conv_forward(fake_quant_frames(x), fake_quant_weight(self.weight), self.bias)


class MaskedLayerNorm(nn.Module):
    """LayerNorm over channels of [batch, channels, frames], zero on padded frames."""

    def __init__(self, channels: int):
        super().__init__()
        self.norm = nn.LayerNorm(channels)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.norm(x.transpose(1, 2)).transpose(1, 2) * mask


class ConvBlock(nn.Module):
    """Pre-norm residual block: x + act(TernaryConv(LayerNorm(x))), padded frames kept at zero.

    The norm before the quantized conv keeps activations well scaled for absmax int8 (the
    paper normalizes before quantizing)."""

    def __init__(
        self,
        channels: int,
        kernel_size: int,
        dilation: int = 1,
        quantized: bool = True,
        dropout: float = 0.0,
        leaky: float = 0.0,
    ):
        super().__init__()
        self.norm = MaskedLayerNorm(channels)
        self.conv = TernaryConv1d(
            channels,
            channels,
            kernel_size,
            dilation=dilation,
            padding=dilation * (kernel_size // 2),
            quantized=quantized,
        )
        self.leaky = leaky
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.conv(self.norm(x, mask))
        h = F.leaky_relu(h, self.leaky) if self.leaky else F.relu(h)
        return (x + self.dropout(h)) * mask
