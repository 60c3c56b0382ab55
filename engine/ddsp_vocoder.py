"""The DDSP vocoder: a ternary conv net writes harmonic envelopes and noise gains from the
acoustic frames, and the parameter-free harmonic-plus-noise synthesizer (engine/dsp.py,
docs/dsp.md) makes the samples. The bundled model's vocoder (``arch.vocoder_kind`` "ddsp" or
absent); training/model/networks.py ``VocoderNet`` and training/model/ddsp.py are its training
side. Frames are rows; immutable after loading, one :class:`DDSPStream` per utterance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from bittts.engine import dsp
from bittts.engine import tensor_names as names
from bittts.engine.layers import LayerReader
from bittts.engine.model_format import ModelFormatError
from bittts.engine.vocoder_inputs import with_pitch_rows


class DDSPVocoder:
    """Acoustic frames -> (log harmonic envelope, log noise gains) -> harmonic-plus-noise samples."""

    kind = "ddsp"

    def __init__(self, p: LayerReader, arch: Mapping[str, Any]):
        self.sample_rate, self.hop = int(arch["sample_rate"]), int(arch["hop_size"])
        self.log_f0_mean, self.log_f0_std = float(arch["log_f0_mean"]), float(arch["log_f0_std"])
        self.max_harmonics, self.harmonic_ceiling = arch["max_harmonics"], float(arch["harmonic_ceiling"])
        self.noise_fft = arch["noise_fft"]
        self.envelope_points, self.noise_bands = arch["envelope_points"], arch["noise_bands"]
        self.inp = p.conv(names.VOCODER_IN.conv())
        self.blocks = [p.block(names.VOCODER_BLOCKS.block(i), leaky=0.1) for i in range(arch["vocoder_layers"])]
        self.norm = p.norm(names.VOCODER_NORM.norm())
        self.out = p.conv(names.VOCODER_OUT.conv())
        controls = self.envelope_points + self.noise_bands
        if self.out.c_out != controls:
            raise ModelFormatError(
                f"{p.model.path}: the vocoder writes {self.out.c_out} controls a frame; "
                f"its metadata asks for {controls}"
            )
        # frames on each side that one frame's controls depend on (the convolutions' reach)
        self.context = sum(layer.padding for layer in [self.inp, *(b.conv for b in self.blocks), self.out])

    def ternary_layers(self) -> Iterator:
        yield self.inp
        yield from (b.conv for b in self.blocks)

    def controls(self, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """-> (log harmonic envelope [frames, E], log noise gains [frames, G])."""
        h = self.inp(with_pitch_rows(mel, f0, voiced, self.log_f0_mean, self.log_f0_std))
        h = np.where(h > 0, h, h * 0.1)
        for block in self.blocks:
            h = block(h)
        out = self.out(self.norm(h))
        e = self.envelope_points
        return out[:, :e], out[:, e:]

    def stream(
        self, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray, seed: int = 0, noise_frames: np.ndarray | None = None
    ) -> DDSPStream:
        """``noise_frames``: the white noise of every frame [frames, noise_fft] (None: drawn from ``seed``)."""
        if noise_frames is None:
            noise_frames = dsp.white_noise_frames(len(f0), self.noise_fft, seed)
        return DDSPStream(self, mel, f0, voiced, noise_frames)


class DDSPStream:
    """One utterance in parts. Each frame's controls are computed with all the context the
    convolutions reach (per-frame quantization makes them independent of the part), the
    oscillators carry their phase and glide toward the next part's first frame, and the noise
    windows that straddle a joint are summed in the same order: parts join exactly."""

    def __init__(self, vocoder: DDSPVocoder, mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray, noise_frames):
        self.vocoder, self.mel, self.f0, self.voiced = vocoder, mel, f0, voiced
        self.noise_frames = noise_frames
        self.frames = len(f0)
        self._phase = 0.0

    def part(self, start: int, stop: int, halt: Callable[[], bool]) -> np.ndarray | None:
        v = self.vocoder
        noise_lo, noise_hi = dsp.noise_frames_for(start, stop, self.frames, v.noise_fft, v.hop)
        lo, hi = min(start, noise_lo), max(min(stop + 1, self.frames), noise_hi)  # frames whose controls are needed
        c_lo, c_hi = max(0, lo - v.context), min(self.frames, hi + v.context)
        envelope, gains = v.controls(self.mel[c_lo:c_hi], self.f0[c_lo:c_hi], self.voiced[c_lo:c_hi])
        if halt():
            return None
        h_hi = min(stop + 1, self.frames)  # the frame the last one glides toward
        f0 = self.f0[start:h_hi]
        amps = dsp.harmonic_amplitudes(
            f0, envelope[start - c_lo : h_hi - c_lo], v.sample_rate, v.max_harmonics, v.harmonic_ceiling
        )
        harmonic, phase = dsp.harmonic_signal(f0, amps, v.sample_rate, v.hop, self._phase, count=stop - start)
        if halt():
            return None
        noise = dsp.noise_segment(
            gains[noise_lo - c_lo : noise_hi - c_lo], self.noise_frames[noise_lo:noise_hi], v.hop, noise_lo, start, stop
        )
        self._phase = phase
        return harmonic + noise
