"""Audio output: a sink that plays float32 mono blocks and says how many samples were heard.

``BufferedSink`` holds the small bounded buffer that a worker fills (``write`` blocks while it
is full) and that the output side drains (``pull``, called from the audio callback). It counts
the samples actually handed to the device, so the highlight follows what is heard, not what was
synthesized. ``SoundDeviceSink`` drives it from a sounddevice ``OutputStream`` callback (opened
by ``bittts.engine.audio_output``, which also says why there is no device); tests use a fake
that pulls on a clock and records the samples.

Nothing here synthesizes; the audio callback only copies from the buffer.
"""

from __future__ import annotations

import collections
import threading

import numpy as np

from bittts.engine.audio_output import open_output_stream


class BufferedSink:
    """Bounded FIFO of audio between a writer thread and the output, with the played position.

    Thread-safe: ``write`` runs on a worker, ``pull`` on the audio thread, the rest on the GUI.
    """

    block_frames = 1024

    def __init__(self, buffer_seconds: float = 0.5, prefill_seconds: float = 0.1):
        self.buffer_seconds = buffer_seconds
        self.prefill_seconds = prefill_seconds
        self.sample_rate = 0
        self._cond = threading.Condition()
        self._blocks: collections.deque[np.ndarray] = collections.deque()
        self._offset = 0  # samples already taken from _blocks[0]
        self._queued = 0  # samples in the buffer
        self._played = 0  # samples handed to the output since reset()
        self._trailing = 0  # silent frames handed out since the last real sample
        self._heard = 0  # the last position reported (it never goes back)
        self._ended = False  # the writer has no more audio (play out the rest, no prefill wait)
        self._started = False  # prefill reached once since reset()
        self._paused = False
        self.gain = 1.0
        self.underruns = 0

    # ---- life cycle (GUI thread)
    def open(self, sample_rate: int) -> None:
        """Prepare the output for ``sample_rate``; raises AudioUnavailable."""
        self.sample_rate = sample_rate

    def close(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Drop queued audio and start counting again from 0 (a new playback)."""
        with self._cond:
            self._blocks.clear()
            self._offset = self._queued = self._played = self._trailing = self._heard = 0
            self._ended = self._started = False
            self._paused = False
            self._cond.notify_all()

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    def set_gain(self, gain: float) -> None:
        self.gain = float(gain)

    def played_samples(self) -> int:
        """Samples heard since the last reset: those handed out less the ones still inside the
        device's latency; silence handed out after them (end, pause, underrun) pushes them out."""
        with self._cond:
            in_flight = max(0, self.latency_samples() - self._trailing)
            self._heard = max(self._heard, self._played - in_flight)
            return self._heard

    def latency_samples(self) -> int:
        return 0

    def queued_samples(self) -> int:
        with self._cond:
            return self._queued

    # ---- writer side (worker thread)
    def write(self, samples: np.ndarray, cancel: threading.Event | None = None) -> bool:
        """Queue audio, blocking while the buffer is full. False if cancelled or reset meanwhile."""
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        limit = max(int(self.buffer_seconds * self.sample_rate), self.block_frames)
        for start in range(0, len(samples), self.block_frames):
            block = samples[start : start + self.block_frames]
            with self._cond:
                while self._queued >= limit:
                    if cancel is not None and cancel.is_set():
                        return False
                    self._cond.wait(0.02)
                if cancel is not None and cancel.is_set():
                    return False
                self._blocks.append(block)
                self._queued += len(block)
                self._ended = False
        return True

    def end_of_stream(self) -> None:
        """The writer is done: play what is left even if it is shorter than the prefill."""
        with self._cond:
            self._ended = True

    # ---- output side (audio thread)
    def pull(self, frames: int) -> np.ndarray:
        """Up to ``frames`` samples for the output, silence-padded; never blocks."""
        out = np.zeros(frames, dtype=np.float32)
        with self._cond:
            if self._paused:
                self._trailing += frames
                return out
            if not self._started:
                if self._queued < int(self.prefill_seconds * self.sample_rate) and not self._ended:
                    return out
                self._started = self._queued > 0
            filled = 0
            while filled < frames and self._blocks:
                block = self._blocks[0]
                take = min(frames - filled, len(block) - self._offset)
                out[filled : filled + take] = block[self._offset : self._offset + take]
                filled += take
                self._offset += take
                if self._offset >= len(block):
                    self._blocks.popleft()
                    self._offset = 0
            self._queued -= filled
            self._played += filled
            self._trailing = frames - filled if filled else self._trailing + frames
            if filled < frames and self._started and not self._ended:
                self.underruns += 1
            self._cond.notify_all()
        if self.gain != 1.0:
            np.clip(out * self.gain, -1.0, 1.0, out=out)
        return out


class SoundDeviceSink(BufferedSink):
    """The default output device through sounddevice (PortAudio)."""

    def __init__(self, device=None, **kwargs):
        super().__init__(**kwargs)
        self.device = device
        self._stream = None
        self._latency = 0.0

    def open(self, sample_rate: int) -> None:
        """Open the device's stream (raises audio_output.AudioUnavailable)."""
        if self._stream is not None and self.sample_rate == sample_rate:
            return
        self.close()
        super().open(sample_rate)
        self._stream = open_output_stream(
            sample_rate, blocksize=self.block_frames, latency="low", device=self.device, callback=self._callback
        )
        self._latency = float(self._stream.latency or 0.0)

    def latency_samples(self) -> int:
        return int(self._latency * self.sample_rate)

    def _callback(self, outdata, frames, time_info, status):
        outdata[:, 0] = self.pull(frames)

    def close(self) -> None:
        super().close()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:
                pass
