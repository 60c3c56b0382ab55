"""The inverse STFT of the Vocos vocoder (docs/dsp.md, "Inverse STFT"): STFT frames -> samples.

What ``torch.istft(center=True, window=hann, length=T * hop)`` computes on the T frames the
network writes with the last one repeated once (training/model/vocos.py ``spectrum_to_wave``):
each frame's log-magnitude (clamped at ``LOG_MAGNITUDE_CEILING``) and phase make a one-sided
spectrum of ``n_fft // 2 + 1`` bins; its inverse real FFT, times a periodic Hann window, is
overlap-added centred on sample ``t * hop``; the sum is divided by the summed squared window.

Frames are rows. ``istft_segment`` makes any run of whole frames' samples from only the STFT
frames whose windows cover them (``frames_for``), so an utterance can be made in parts that
join into the whole (engine/vocos.py). ``istft_reference`` is the plain definition, an explicit
inverse DFT sum per sample, slow on purpose: the tests' oracle. Float32 throughout (the FFT is
NumPy's pocketfft); the model file guarantees ``n_fft >= 2 * hop`` (engine/model_check.py), so
every sample lies under two windows and the window sum is at least 0.5.
"""

from __future__ import annotations

import numpy as np

LOG_MAGNITUDE_CEILING = 6.0  # as training clamps it (training/model/vocos.py)
# Frames turned into spectra and windowed frames at a time by istft_segment_over: its
# temporaries stay a few hundred KB, whatever the part's length.
ISTFT_BLOCK_FRAMES = 64


def hann_window(n_fft: int) -> np.ndarray:
    """The periodic Hann window, torch.hann_window's, in float64."""
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)


def frame_spectra(out: np.ndarray, n_fft: int) -> np.ndarray:
    """The network's frames [T, n_fft + 2] (log-magnitude bins, then phase bins) -> complex
    spectra [T, n_fft // 2 + 1]."""
    bins = n_fft // 2 + 1
    if out.ndim != 2 or out.shape[1] != 2 * bins:
        raise ValueError(f"expected [frames, {2 * bins}] log-magnitudes and phases, got shape {out.shape}")
    magnitude = np.exp(np.minimum(out[:, :bins], np.float32(LOG_MAGNITUDE_CEILING)))
    phase = out[:, bins:]
    spectra = np.empty(magnitude.shape, np.complex64)
    # cos, then sin, in one scratch array multiplied straight into the spectra's parts: the
    # same products as magnitude * np.cos(phase), without two more temporaries of their size
    scratch = np.cos(phase)
    np.multiply(magnitude, scratch, out=spectra.real)
    np.sin(phase, out=scratch)
    np.multiply(magnitude, scratch, out=spectra.imag)
    return spectra


def frames_for(start: int, stop: int, frames: int, n_fft: int, hop: int) -> tuple[int, int]:
    """The STFT frames [lo, hi) whose windows cover the samples of frames [start, stop) of an
    utterance of ``frames`` frames. The iSTFT has ``frames + 1`` of them (the last repeated),
    frame j's window spanning samples [j * hop - n_fft // 2, j * hop - n_fft // 2 + n_fft)."""
    half = n_fft // 2
    lo = max(0, start - (n_fft - half + hop - 1) // hop + 1)
    hi = min(frames + 1, (stop * hop - 1 + half) // hop + 1)
    return lo, hi


def _overlap_add(frames: np.ndarray, hop: int, repeat_last: bool = False) -> np.ndarray:
    """[F, n] windowed frames, frame j starting at sample j * hop -> [(F - 1) * hop + n rounded up
    to whole hops] samples. One vectorized add per hop that a window spans, each sample summing
    its frames in the same order whichever run of frames it comes from. ``repeat_last``: the
    last frame comes once more after them (F + 1 frames), without a copy of them all."""
    count, n = frames.shape
    spans = -(-n // hop)
    if spans * hop != n:
        frames = np.pad(frames, ((0, 0), (0, spans * hop - n)))
    pieces = frames.reshape(count, spans, hop)
    out = np.zeros((count + repeat_last + spans - 1, hop), frames.dtype)
    for k in range(spans):
        out[k : k + count] += pieces[:, k]
        if repeat_last:
            out[k + count] += pieces[-1, k]
    return out.reshape(-1)


def istft_segment(spectra: np.ndarray, first: int, n_fft: int, hop: int, start: int, stop: int) -> np.ndarray:
    """The samples of frames [start, stop) -> float32 [(stop - start) * hop], from the spectra
    of STFT frames [first, first + len(spectra)), which must be ``frames_for(start, stop, ...)``
    (the repeated last frame included where it reaches)."""
    window = hann_window(n_fft).astype(np.float32)
    frames = np.fft.irfft(spectra, n=n_fft, axis=1)
    frames *= window  # in place: the windowed frames are the largest array here
    return _samples(frames, window, first, hop, start, stop)


def istft_segment_over(
    out: np.ndarray, first: int, n_fft: int, hop: int, start: int, stop: int, repeat_last: bool = False
) -> np.ndarray:
    """``istft_segment(frame_spectra(out, n_fft), first, ...)``, the same samples, made in
    ``out``'s own memory: the network's frames [count, n_fft + 2] float32 (rows of unit
    column stride, writeable), which are overwritten. ``ISTFT_BLOCK_FRAMES`` rows at a time
    become spectra and then windowed frames, written over the first ``n_fft`` values of their
    own rows; no array of all the spectra or all the frames is made (each frame's FFT is its
    own, so the blocks change nothing). ``repeat_last``: STFT frames [first, first + count]
    are ``out``'s and its last one again (the utterance's end, as ``frames_for`` counts it)."""
    if out.ndim != 2 or out.dtype != np.float32 or out.strides[1] != out.itemsize or not out.flags.writeable:
        raise ValueError(f"expected writeable float32 rows, got {out.dtype} {out.shape} with strides {out.strides}")
    window = hann_window(n_fft).astype(np.float32)
    for lo in range(0, len(out), ISTFT_BLOCK_FRAMES):
        rows = out[lo : lo + ISTFT_BLOCK_FRAMES]
        frames = np.fft.irfft(frame_spectra(rows, n_fft), n=n_fft, axis=1)
        frames *= window
        rows[:, :n_fft] = frames
    return _samples(out[:, :n_fft], window, first, hop, start, stop, repeat_last)


def _samples(
    frames: np.ndarray, window: np.ndarray, first: int, hop: int, start: int, stop: int, repeat_last: bool = False
) -> np.ndarray:
    """Windowed frames [count, n_fft] of STFT frames [first, first + count) (with
    ``repeat_last``, the last once more) -> the samples of frames [start, stop): their
    overlap-add divided by the summed squared window."""
    count, n_fft = frames.shape
    signal = _overlap_add(frames, hop, repeat_last)
    count += repeat_last
    envelope = _overlap_add(np.broadcast_to(window * window, (count, n_fft)), hop)
    # sample n is at n + n_fft // 2 in the frames' padded signal, which begins at first * hop
    begin = start * hop + n_fft // 2 - first * hop
    end = begin + (stop - start) * hop
    if begin < 0 or end > len(signal):
        raise ValueError(f"STFT frames [{first}, {first + count}) do not cover the samples of frames [{start}, {stop})")
    return (signal[begin:end] / envelope[begin:end]).astype(np.float32, copy=False)


def istft(out: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """The network's frames [T, n_fft + 2] -> [T * hop] samples, the whole utterance at once."""
    frames = len(out)
    if frames == 0:
        return np.zeros(0, np.float32)
    spectra = frame_spectra(np.concatenate([out, out[-1:]]), n_fft)
    return istft_segment(spectra, 0, n_fft, hop, 0, frames)


def istft_reference(out: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Plain definition of :func:`istft`, in float64: every frame's inverse DFT as the explicit
    sum x[m] = (X_0 + X_{N/2} (-1)^m + 2 sum_{k=1}^{N/2-1} Re(X_k e^{2 pi i k m / N})) / N (the
    imaginary parts of the DC and Nyquist bins ignored, as a real inverse FFT does), then every
    sample as the windowed sum of the frames over it divided by their summed squared window."""
    out = np.asarray(out, np.float64)
    frames, bins = len(out), n_fft // 2 + 1
    padded = np.concatenate([out, out[-1:]])
    magnitude = np.exp(np.minimum(padded[:, :bins], LOG_MAGNITUDE_CEILING))
    spectra = magnitude * np.exp(1j * padded[:, bins:])
    m = np.arange(n_fft)
    waves = np.zeros((len(padded), n_fft))
    for j, spectrum in enumerate(spectra):
        for k in range(bins):
            weight = 1.0 if k == 0 or 2 * k == n_fft else 2.0
            waves[j] += weight * np.real(spectrum[k] * np.exp(2j * np.pi * k * m / n_fft))
    waves /= n_fft
    window = hann_window(n_fft)
    samples = np.zeros(frames * hop)
    for n in range(len(samples)):
        total = weights = 0.0
        for j in range(len(padded)):
            at = n + n_fft // 2 - j * hop  # where sample n lies in frame j's window
            if 0 <= at < n_fft:
                total += window[at] * waves[j, at]
                weights += window[at] ** 2
        samples[n] = total / weights
    return samples
