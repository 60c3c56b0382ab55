"""The Vocos vocoder: log-mel frames -> ConvNeXt blocks -> STFT frames -> inverse STFT.

The engine side of training/model/vocos.py ``VocosVocoder`` (``arch.vocoder_kind`` "vocos"),
computing what its forward pass computes: a ternary k-tap conv embeds the log-mel frames (with
``arch.vocos_pitch_inputs`` also the normalized log-F0 and the voicing, engine/vocoder_inputs.py,
so that the acoustic model's F0, pitch shifts included, reaches the vocoder), a LayerNorm
follows; ``vocos_blocks`` blocks of engine/layers.py ``ConvNeXtBlock`` (a float depthwise conv,
a LayerNorm, a ternary 1x1 to 3 x channels, tanh-GELU, a ternary 1x1 back, a per-channel scale,
a residual); a LayerNorm and the float 1x1 head give each frame the
log-magnitude and phase of ``vocos_fft // 2 + 1`` STFT bins, and engine/istft.py makes the
samples. The ternary convs run in the native kernels, everything else in NumPy (the head is
one float32 matmul through BLAS). Frames are rows; immutable after loading.

Streaming: a part [start, stop) needs the STFT frames whose windows cover its samples
(``istft.frames_for``), and each of those the log-mel frames within ``context`` of it (the
embedding's and every depthwise conv's ``kernel // 2``). Every other layer works frame by
frame (per-frame int8 quantization included), as do the pitch rows, so the part's samples are
the whole's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from bittts.engine import istft
from bittts.engine import tensor_names as names
from bittts.engine.layers import ConvNeXtBlock, LayerReader
from bittts.engine.vocoder_inputs import with_pitch_rows


class VocosVocoder:
    """Log-mel [frames, n_mels] (with ``pitch_inputs``, F0 and voicing too) -> samples [frames * hop]."""

    kind = "vocos"

    def __init__(self, p: LayerReader, arch: Mapping[str, Any]):
        self.sample_rate, self.hop = int(arch["sample_rate"]), int(arch["hop_size"])
        self.n_fft = int(arch["vocos_fft"])
        self.pitch_inputs = bool(arch.get("vocos_pitch_inputs", False))  # absent: files from before the key
        if self.pitch_inputs:
            self.log_f0_mean, self.log_f0_std = float(arch["log_f0_mean"]), float(arch["log_f0_std"])
        self.embed = p.conv(names.VOCOS_EMBED.conv())
        self.embed_norm = p.norm(names.VOCOS_EMBED_NORM.norm())
        self.blocks = [
            ConvNeXtBlock(
                p.depthwise(names.VOCOS_DEPTHWISE.conv(i)),
                p.norm(names.VOCOS_NORMS.norm(i)),
                p.conv(names.VOCOS_EXPAND.conv(i)),
                p.conv(names.VOCOS_PROJECT.conv(i)),
                p.f32(names.VOCOS_SCALES.tensor(i)),
            )
            for i in range(arch["vocos_blocks"])
        ]
        self.out_norm = p.norm(names.VOCOS_OUT_NORM.norm())
        self.head = p.conv(names.VOCOS_HEAD.conv())
        self.context = self.embed.padding + sum(b.depthwise.padding for b in self.blocks)

    def ternary_layers(self) -> Iterator:
        yield self.embed
        for block in self.blocks:
            yield from (block.expand, block.project)

    def inputs(self, mel: np.ndarray, f0: np.ndarray | None, voiced: np.ndarray | None) -> np.ndarray:
        """The rows the network reads a frame: the log-mel [frames, n_mels], with
        ``pitch_inputs`` followed by the normalized log-F0 of ``f0`` (Hz) and ``voiced``."""
        if not self.pitch_inputs:
            return mel
        if f0 is None or voiced is None:
            raise ValueError("this Vocos vocoder reads F0 and voicing (arch.vocos_pitch_inputs): give both")
        return with_pitch_rows(mel, f0, voiced, self.log_f0_mean, self.log_f0_std)

    def network(self, inputs: np.ndarray) -> np.ndarray:
        """The frames of :meth:`inputs` [frames, n_mels (+ 2)] -> [frames, n_fft + 2]: log-magnitude,
        then phase, of each frame's STFT (frames near the ends see zeros beyond them)."""
        h = self.embed_norm(self.embed(np.asarray(inputs, np.float32)))
        for block in self.blocks:
            h = block(h)
        return self.head(self.out_norm(h))

    def vocode(self, mel: np.ndarray, f0: np.ndarray | None = None, voiced: np.ndarray | None = None) -> np.ndarray:
        """The whole utterance at once: [frames * hop] samples (``f0`` in Hz and ``voiced``
        [frames] are needed with ``pitch_inputs``, unused without)."""
        return istft.istft(self.network(self.inputs(mel, f0, voiced)), self.n_fft, self.hop)

    def stream(
        self, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray, seed: int = 0, noise_frames: np.ndarray | None = None
    ) -> VocosStream:
        """Reads the log-mel, and F0 and voicing with ``pitch_inputs`` (no noise: ``seed`` and
        ``noise_frames`` are unused)."""
        if noise_frames is not None:
            raise ValueError("the Vocos vocoder draws no noise: noise_frames must be None")
        return VocosStream(self, mel, f0, voiced)


class VocosStream:
    """One utterance in parts; stateless between them (each part recomputes its context)."""

    def __init__(self, vocoder: VocosVocoder, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray):
        self.vocoder, self.mel, self.f0, self.voiced, self.frames = vocoder, mel, f0, voiced, len(mel)

    def part(self, start: int, stop: int, halt: Callable[[], bool]) -> np.ndarray | None:
        v = self.vocoder
        lo, hi = istft.frames_for(start, stop, self.frames, v.n_fft, v.hop)  # hi may be frames + 1: the repeat
        net_hi = min(hi, self.frames)
        c_lo, c_hi = max(0, lo - v.context), min(self.frames, net_hi + v.context)
        context = slice(c_lo, c_hi)
        out = v.network(v.inputs(self.mel[context], self.f0[context], self.voiced[context]))[lo - c_lo : net_hi - c_lo]
        if halt():
            return None
        if out.dtype != np.float32 or out.strides[1] != out.itemsize:
            out = np.ascontiguousarray(out, np.float32)
        # the network's frames are needed no more: the iSTFT works in their memory (and
        # repeats the last frame where the utterance ends, without a copy of them all)
        return istft.istft_segment_over(out, lo, v.n_fft, v.hop, start, stop, repeat_last=hi > self.frames)
