"""The vocoder's harmonic-plus-noise synthesizer, parameter-free (docs/dsp.md).

Same maths as training/model/ddsp.py, which trains through it; frames are rows here. The
oscillator bank runs natively (``_native.harmonic_synth``); ``harmonic_signal_reference`` is
its plain NumPy oracle.
"""

from __future__ import annotations

import numpy as np

from bittts.engine import _native

# Noise frames made and filtered at a time: the temporaries (float64 draws, the FFTs) stay a
# few hundred KB instead of growing with the chunk (7 MB for a 6-second sentence).
NOISE_BLOCK_FRAMES = 64


def upsample_frames(values: np.ndarray, hop: int) -> np.ndarray:
    """[T, ...] frame values -> [T * hop, ...], linear between frame starts, held at the end."""
    nxt = np.concatenate([values[1:], values[-1:]], axis=0)
    frac = (np.arange(hop, dtype=np.float64) / hop).reshape((1, hop) + (1,) * (values.ndim - 1))
    out = values[:, None] * (1 - frac) + nxt[:, None] * frac
    return out.reshape((-1,) + values.shape[1:])


def harmonic_amplitudes(
    f0: np.ndarray, envelope: np.ndarray, sample_rate: int, max_harmonics: int, ceiling: float
) -> np.ndarray:
    """f0 [T] Hz, envelope [T, E] log amplitude (linear in frequency 0..Nyquist) -> [T, H]."""
    nyquist = sample_rate / 2
    points = envelope.shape[1]
    freqs = np.arange(1, max_harmonics + 1, dtype=np.float32)[None, :] * f0[:, None].astype(np.float32)
    pos = np.clip(freqs / np.float32(nyquist) * np.float32(points - 1), 0, points - 1)
    lo = np.minimum(np.floor(pos), points - 2).astype(np.int64)
    frac = pos - lo
    env_lo = np.take_along_axis(envelope, lo, axis=1)
    env_hi = np.take_along_axis(envelope, lo + 1, axis=1)
    amps = np.exp(env_lo + (env_hi - env_lo) * frac) * (freqs < ceiling * nyquist)
    return amps.astype(np.float32)


def harmonic_signal_reference(
    f0: np.ndarray, amps: np.ndarray, sample_rate: int, hop: int, phase: float = 0.0, count: int | None = None
) -> tuple[np.ndarray, float]:
    """Plain NumPy oscillator bank: sum_k a_k(n) sin(k phi(n)); returns (samples, final phase).
    ``count``: synthesize the first ``count`` frames only, gliding toward frame ``count``."""
    count = len(f0) if count is None else count
    f0_s = upsample_frames(f0.astype(np.float64), hop)[: count * hop]
    phi = phase + 2 * np.pi * np.cumsum(f0_s / sample_rate)
    a_s = upsample_frames(amps.astype(np.float64), hop)[: count * hop]  # [N, H]
    k = np.arange(1, amps.shape[1] + 1)
    samples = (a_s * np.sin(np.remainder(phi, 2 * np.pi)[:, None] * k[None, :])).sum(axis=1)
    return samples.astype(np.float32), float(np.remainder(phi[-1], 2 * np.pi)) if len(phi) else phase


def harmonic_signal(
    f0: np.ndarray, amps: np.ndarray, sample_rate: int, hop: int, phase: float = 0.0, count: int | None = None
) -> tuple[np.ndarray, float]:
    return _native.harmonic_synth(f0, amps, hop, float(sample_rate), phase, count)


def _interp_bins(values: np.ndarray, bins: int) -> np.ndarray:
    """[T, G] -> [T, bins], linear over G points spread evenly from bin 0 to bins - 1."""
    points = values.shape[1]
    pos = np.arange(bins, dtype=np.float32) * np.float32(points - 1) / np.float32(bins - 1)
    lo = np.minimum(np.floor(pos), points - 2).astype(np.int64)
    frac = (pos - lo)[None, :]
    return values[:, lo] * (1 - frac) + values[:, lo + 1] * frac


def noise_signal(gains: np.ndarray, noise_frames: np.ndarray, hop: int) -> np.ndarray:
    """gains [T, G] log gain, noise_frames [T, n_fft] white noise -> [T * hop] samples."""
    return noise_segment(gains, noise_frames, hop, 0, 0, len(noise_frames))


def noise_frames_for(start: int, stop: int, frames: int, n_fft: int, hop: int) -> tuple[int, int]:
    """The frames [lo, hi) whose windows reach the samples of frames [start, stop) (windows are
    centred on their frame's first sample)."""
    half = n_fft // 2
    lo = max(0, start - (n_fft - half + hop - 1) // hop + 1)
    hi = min(frames, stop + (half + hop - 1) // hop)
    return lo, hi


def noise_segment(
    gains: np.ndarray,
    noise_frames: np.ndarray,
    hop: int,
    first: int,
    start: int,
    stop: int,
    block: int = NOISE_BLOCK_FRAMES,
) -> np.ndarray:
    """The noise of frames [start, stop) -> [(stop - start) * hop] samples, from the gains and
    noise of frames [first, first + len(gains)), which must cover ``noise_frames_for``.
    Parts joined end to end equal the whole: each sample sums the same windows in the same order.
    Frames are filtered ``block`` at a time (the result does not depend on it: each frame's
    FFTs are its own), so that the FFTs' temporaries stay small however long the part is."""
    count, n_fft = noise_frames.shape
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)  # periodic Hann
    length = (stop - start) * hop
    out = np.zeros(length)  # out[i]: sample start * hop + i of the whole signal
    for b in range(0, count, block):
        response = _interp_bins(np.exp(gains[b : b + block].astype(np.float32)), n_fft // 2 + 1)
        filtered = np.fft.irfft(np.fft.rfft(noise_frames[b : b + block], axis=1) * response, n=n_fft, axis=1)
        filtered *= window
        for k in range(len(filtered)):  # overlap-add, frame by frame in order
            at = (first + b + k - start) * hop - n_fft // 2  # where this frame's window begins in out
            lo, hi = max(0, -at), min(n_fft, length - at)
            if lo < hi:
                out[at + lo : at + hi] += filtered[k, lo:hi]
    return out.astype(np.float32)


def white_noise_frames(frames: int, n_fft: int, seed: int, block: int = NOISE_BLOCK_FRAMES) -> np.ndarray:
    """Standard normal noise [frames, n_fft] float32 from ``seed``: NumPy's float64 draws of
    ``default_rng(seed).standard_normal((frames, n_fft))`` in order, made ``block`` frames at a
    time (the same values: the generator draws one after another) so that no float64 copy of
    the whole is ever held."""
    rng = np.random.default_rng(seed)
    out = np.empty((frames, n_fft), np.float32)
    for lo in range(0, frames, block):
        out[lo : lo + block] = rng.standard_normal((min(block, frames - lo), n_fft))
    return out
