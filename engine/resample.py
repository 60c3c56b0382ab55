"""Sample-rate conversion by a rational factor: a Kaiser-windowed sinc in polyphase form.

Used where a codec takes only some rates (Opus: 8, 12, 16, 24 or 48 kHz; the bundled model
speaks at 22,050 Hz, a model at the Kokoro layout at 24 kHz: every rate comes from the file).
``StreamResampler`` converts audio that arrives in chunks, with the same result as converting
it all at once (``resample_reference``, the plain per-sample loop, is its oracle).

The filter: ``taps_per_phase`` input samples per output sample, cutoff at ``ROLLOFF`` of the
lower Nyquist frequency, Kaiser window with ``KAISER_BETA`` (about 80 dB stop band). Output
sample m sits at input time m * rate_in / rate_out: no delay, and N input samples make
ceil(N * rate_out / rate_in) output samples. Not thread-safe: one stream per object.
"""

from __future__ import annotations

import math

import numpy as np

TAPS_PER_PHASE = 32
KAISER_BETA = 8.6
ROLLOFF = 0.94  # the pass band ends at 94% of the lower Nyquist frequency (10.4 kHz for 22,050 Hz)
BLOCK_OUTPUTS = 8192  # outputs computed per vectorized step (bounds the gather's memory)


def polyphase_filter(up: int, down: int, taps_per_phase: int = TAPS_PER_PHASE) -> np.ndarray:
    """The filter as [up, taps_per_phase]: row p holds the taps for output phase p, each row
    normalized to sum 1 (a constant signal stays exactly constant)."""
    length = up * taps_per_phase
    centre = length // 2
    n = np.arange(length, dtype=np.float64)
    t = (n - centre) / up  # time in input samples
    cutoff = min(1.0, up / down) * ROLLOFF  # relative to the input's Nyquist frequency
    window = np.i0(KAISER_BETA * np.sqrt(np.clip(1.0 - ((n - centre) / centre) ** 2, 0.0, 1.0))) / np.i0(KAISER_BETA)
    taps = cutoff * np.sinc(cutoff * t) * window
    phases = taps.reshape(taps_per_phase, up).T.copy()  # phases[p, k] = taps[p + k * up]
    return phases / phases.sum(axis=1, keepdims=True)


def rational_factor(rate_in: int, rate_out: int) -> tuple[int, int]:
    """(up, down) in lowest terms: 22,050 -> 24,000 Hz is (160, 147)."""
    if rate_in <= 0 or rate_out <= 0:
        raise ValueError(f"sample rates must be positive, got {rate_in} and {rate_out}")
    g = math.gcd(rate_in, rate_out)
    return rate_out // g, rate_in // g


def output_length(samples: int, rate_in: int, rate_out: int) -> int:
    up, down = rational_factor(rate_in, rate_out)
    return -(-samples * up // down)


class StreamResampler:
    """Chunks at ``rate_in`` in, float32 chunks at ``rate_out`` out; ``flush()`` at the end
    returns the last samples. Memory: the filter ([up, taps] float64) plus taps_per_phase
    samples of history."""

    def __init__(self, rate_in: int, rate_out: int, taps_per_phase: int = TAPS_PER_PHASE):
        self.rate_in, self.rate_out = rate_in, rate_out
        self.up, self.down = rational_factor(rate_in, rate_out)
        self.taps = taps_per_phase
        self.filter = polyphase_filter(self.up, self.down, taps_per_phase)
        self.centre = self.up * taps_per_phase // 2
        # Input history; buffer[i] is input sample (start + i). Zeros stand before the signal.
        self._buffer = np.zeros(taps_per_phase, np.float64)
        self._start = -taps_per_phase
        self._received = 0
        self._next = 0  # the next output sample to make
        self._flushed = False

    def _last_input(self, m: int) -> int:
        """The newest input sample output m reads (it reads taps_per_phase back from there)."""
        return (m * self.down + self.centre) // self.up

    def _emit(self, stop: int) -> np.ndarray:
        """Outputs [self._next, stop) from the buffer."""
        pieces = []
        k = np.arange(self.taps)
        for first in range(self._next, stop, BLOCK_OUTPUTS):
            m = np.arange(first, min(first + BLOCK_OUTPUTS, stop), dtype=np.int64)
            last = (m * self.down + self.centre) // self.up  # _last_input of each
            phase = (m * self.down + self.centre) % self.up
            window = self._buffer[(last - self._start)[:, None] - k[None, :]]  # [outputs, taps]
            pieces.append(np.einsum("ij,ij->i", window, self.filter[phase]).astype(np.float32))
        self._next = max(self._next, stop)
        keep_from = self._last_input(self._next) - self.taps + 1 - self._start
        if keep_from > 0:
            self._buffer = self._buffer[keep_from:]
            self._start += keep_from
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Take input samples (float, mono); return every output sample they complete."""
        if self._flushed:
            raise ValueError("the resampler was flushed; make a new one for a new stream")
        x = np.asarray(samples, dtype=np.float64).reshape(-1)
        self._buffer = np.concatenate([self._buffer, x])
        self._received += len(x)
        # output m is complete when its newest input sample has arrived
        stop = max(self._next, (self._received * self.up - 1 - self.centre) // self.down + 1)
        return self._emit(stop)

    def flush(self) -> np.ndarray:
        """The remaining output (the signal ends with silence after the last input)."""
        if self._flushed:
            return np.zeros(0, np.float32)
        self._flushed = True
        stop = output_length(self._received, self.rate_in, self.rate_out)
        if stop <= self._next:
            return np.zeros(0, np.float32)
        needed = self._last_input(stop - 1) + 1 - self._start - len(self._buffer)
        self._buffer = np.concatenate([self._buffer, np.zeros(max(needed, 0), np.float64)])
        return self._emit(stop)


def resample_reference(
    samples: np.ndarray, rate_in: int, rate_out: int, taps_per_phase: int = TAPS_PER_PHASE
) -> np.ndarray:
    """The plain per-sample loop ``StreamResampler`` must match: y[m] = sum over k of
    filter[phase(m), k] * x[last(m) - k], x zero outside the signal."""
    up, down = rational_factor(rate_in, rate_out)
    phases = polyphase_filter(up, down, taps_per_phase)
    centre = up * taps_per_phase // 2
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    out = np.zeros(output_length(len(x), rate_in, rate_out), np.float64)
    for m in range(len(out)):
        position = m * down + centre
        last, phase = position // up, position % up
        acc = 0.0
        for k in range(taps_per_phase):
            j = last - k
            if 0 <= j < len(x):
                acc += phases[phase, k] * x[j]
        out[m] = acc
    return out.astype(np.float32)
