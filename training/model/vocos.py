"""The neural vocoder of the second-generation model (issue 30): Vocos-style, all at frame rate.

Log-mel frames [B, n_mels, T] -> waveform [B, T * hop]; with ``vocos_pitch_inputs``
(ModelConfig) the frames are [B, n_mels + 2, T], the log-mel then the normalized log-F0 and the
voicing, as the DDSP's network reads them (training/train.py ``vocoder_inputs``). A ternary k7
conv embeds the frames;
``blocks`` ConvNeXt-like blocks follow (a float depthwise k7 conv, LayerNorm, a ternary 1x1 to
3 x channels, tanh-GELU, a ternary 1x1 back, a learned per-channel scale, a residual); a
LayerNorm and a float 1x1 head give each frame the log-magnitude and phase of an STFT frame
(n_fft + 2 values: n_fft / 2 + 1 of each), and an inverse STFT (Hann window, centred frames,
torch.istft's normalization) makes the samples.

Why this shape (docs/experiments/2026-12-vocoder-cost.md): every layer runs at 80 frames a
second, so the ternary layers cost the engine 1-2 ms per second of audio, where a HiFi-GAN-style
upsampler costs 54 ms; the depthwise convs stay float because a k7 ternary filter with one
scale for the whole layer is coarse, and they hold 7 weights a channel (the engine runs them in
NumPy); the head stays float as the paper keeps the last layer. The activations of every
ternary conv are int8 per frame, as the engine's kernels compute them (training/model/quant.py).

Parameter names are the exporter's tensor names (engine/tensor_names.py) under ``vocoder.``.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.model.quant import TernaryConv1d

LOG_MAGNITUDE_CEILING = 6.0  # exp(6) ~ 403: a spectral peak far above any real one, before the iSTFT


class LayerNorm1d(nn.Module):
    """LayerNorm over the channels of [batch, channels, frames]."""

    def __init__(self, channels: int):
        super().__init__()
        self.norm = nn.LayerNorm(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.transpose(1, 2)).transpose(1, 2)


def spectrum_to_wave(out: torch.Tensor, n_fft: int, hop: int) -> torch.Tensor:
    """[B, n_fft + 2, T] (log-magnitude bins, then phase bins) -> [B, T * hop] by torch.istft.
    Frame t is centred on sample t * hop; the last frame is repeated once, so that T + 1 centred
    frames cover T * hop samples."""
    out = F.pad(out.float(), (0, 1), mode="replicate")
    log_mag, phase = out.chunk(2, dim=1)
    spec = torch.polar(torch.exp(log_mag.clamp(max=LOG_MAGNITUDE_CEILING)), phase)
    window = torch.hann_window(n_fft, device=out.device)
    frames = out.shape[2] - 1
    return torch.istft(spec, n_fft, hop_length=hop, win_length=n_fft, window=window, center=True, length=frames * hop)


class VocosVocoder(nn.Module):
    """ConvNeXt-like blocks at frame rate, a float 1x1 head to STFT magnitude and phase, iSTFT."""

    def __init__(
        self,
        channels: int = 256,
        blocks: int = 4,
        n_fft: int = 1200,
        hop: int = 300,
        kernel: int = 7,
        inputs: int = 80,
        depthwise_quantized: bool = False,
        quantized: bool = True,
    ):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.embed = TernaryConv1d(inputs, channels, kernel, padding=kernel // 2, quantized=quantized)
        self.embed_norm = LayerNorm1d(channels)
        self.depthwise = nn.ModuleList(
            TernaryConv1d(
                channels,
                channels,
                kernel,
                padding=kernel // 2,
                groups=channels,
                quantized=quantized and depthwise_quantized,
            )
            for _ in range(blocks)
        )
        self.norms = nn.ModuleList(LayerNorm1d(channels) for _ in range(blocks))
        self.expand = nn.ModuleList(
            TernaryConv1d(channels, 3 * channels, 1, quantized=quantized) for _ in range(blocks)
        )
        self.project = nn.ModuleList(
            TernaryConv1d(3 * channels, channels, 1, quantized=quantized) for _ in range(blocks)
        )
        self.scales = nn.ParameterList(nn.Parameter(torch.full((channels, 1), 0.1)) for _ in range(blocks))
        self.out_norm = LayerNorm1d(channels)
        self.head = nn.Conv1d(channels, n_fft + 2, 1)  # float: the sensitive last layer

    @classmethod
    def from_config(cls, cfg) -> VocosVocoder:
        """The vocoder a ModelConfig (training/model/config.py, ``vocos_*``) describes: it reads
        n_mels rows a frame, n_mels + 2 with ``vocos_pitch_inputs``."""
        return cls(
            cfg.vocos_channels,
            cfg.vocos_blocks,
            cfg.vocos_fft,
            cfg.hop_size,
            cfg.vocos_kernel,
            cfg.n_mels + 2 * cfg.vocos_pitch_inputs,
            quantized=cfg.quantize_vocoder,
        )

    def network(self, mel: torch.Tensor) -> torch.Tensor:
        """[B, inputs, T] -> [B, n_fft + 2, T]: log-magnitude, then phase, of each frame's STFT."""
        h = self.embed_norm(self.embed(mel))
        for dw, norm, up, down, scale in zip(self.depthwise, self.norms, self.expand, self.project, self.scales):
            h = h + scale * down(F.gelu(up(norm(dw(h))), approximate="tanh"))
        return self.head(self.out_norm(h))

    def synthesize(self, out: torch.Tensor, extra=None) -> torch.Tensor:
        return spectrum_to_wave(out, self.n_fft, self.hop)

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        """[B, inputs, T] -> [B, T * hop], the network in the caller's autocast, the iSTFT in fp32."""
        return self.synthesize(self.network(mel))
