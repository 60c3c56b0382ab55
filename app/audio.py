"""Audio output: a sink that plays float32 mono blocks and says how many samples were heard.

``BufferedSink`` holds the small bounded buffer that a worker fills (``write`` blocks while it
is full) and that the output side drains (``pull``, called from the audio callback). It counts
the samples actually handed to the device, so the highlight follows what is heard, not what was
synthesized. ``SoundDeviceSink`` drives it from a sounddevice ``OutputStream`` callback (opened
by ``bittts.engine.audio_output``, which also says why there is no device) on the device chosen
by name ("" = the system default, see ``audio_devices``); it can move to another device at a
given sample (a chunk boundary: ``hold_at``, then ``reopen``) without losing or repeating audio,
and says when its stream failed (``stream_problem``). Tests use a fake that pulls on a clock and
records the samples, and a fake sounddevice module for the device paths.

Nothing here synthesizes; the audio callback only copies from the buffer.
"""

from __future__ import annotations

import collections
import sys
import threading
import time

import numpy as np

from bittts.engine.audio_output import open_output_stream

from . import audio_devices


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
        self._hold_at: int | None = None  # hand out nothing past this sample (a device move)
        self.gain = 1.0
        self.underruns = 0
        self.device_name = ""  # the chosen output device, "" = system default

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
            self._hold_at = None
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

    def hold_at(self, sample: int | None) -> None:
        """Hand out nothing past ``sample`` (a count since reset) until ``hold_at(None)`` or a
        reset: the output plays silence there while the device is changed."""
        with self._cond:
            self._hold_at = sample
            self._cond.notify_all()

    def wait_for_hold(self, timeout: float) -> bool:
        """Block (a worker) until the output has reached the hold, the hold is gone, the stream
        failed, or ``timeout`` seconds passed; True unless it timed out."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._hold_at is not None and self._played < self._hold_at:
                if (self._ended and self._queued == 0) or self.stream_problem():
                    return True  # nothing more will come to reach it
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def is_idle(self) -> bool:
        """Nothing would be cut by a device change now: paused, or run dry after playing (not
        before the first audio: a reading's start is no time to re-scan)."""
        with self._cond:
            return self._paused or (self._started and self._queued == 0)

    # ---- the device (the base class has none to choose: these say so)
    supports_device_choice = False

    def output_device_names(self) -> list[str]:
        """The output devices that can be chosen, as PortAudio last scanned them."""
        return []

    def current_device_label(self) -> str:
        return ""

    def fallback_message(self) -> str:
        """Why the chosen device is not the one playing ("" when it is)."""
        return ""

    def stream_problem(self) -> str:
        """Why the output stream failed ("" while it works); checked by the player's poll."""
        return ""

    def reopen(self) -> str:
        """Close the output, re-scan the devices, open the chosen one (else the default) again,
        keep the buffer, release a hold; returns the device's label. Raises AudioUnavailable.
        Runs on a worker."""
        self.hold_at(None)
        return ""

    def device_change_suspected(self) -> bool:
        """Whether the system's output changed since the last look (the watcher's thread)."""
        return False

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
            if self._hold_at is not None:
                frames_left = max(0, self._hold_at - self._played)
            else:
                frames_left = frames
            if self._paused or frames_left == 0:
                self._trailing += frames
                self._cond.notify_all()
                return out
            if not self._started:
                if self._queued < int(self.prefill_seconds * self.sample_rate) and not self._ended:
                    return out
                self._started = self._queued > 0
            filled, wanted = 0, min(frames, frames_left)
            while filled < wanted and self._blocks:
                block = self._blocks[0]
                take = min(wanted - filled, len(block) - self._offset)
                out[filled : filled + take] = block[self._offset : self._offset + take]
                filled += take
                self._offset += take
                if self._offset >= len(block):
                    self._blocks.popleft()
                    self._offset = 0
            self._queued -= filled
            self._played += filled
            self._trailing = frames - filled if filled else self._trailing + frames
            if filled < wanted and self._started and not self._ended:
                self.underruns += 1
            self._cond.notify_all()
        if self.gain != 1.0:
            np.clip(out * self.gain, -1.0, 1.0, out=out)
        return out


class SoundDeviceSink(BufferedSink):
    """An output device through sounddevice (PortAudio): the one named ``device_name``, or the
    system default when that is "" or missing (``fallback_message`` says so).

    Threading: ``open`` and ``close`` on the GUI thread; ``reopen`` on a worker; the callback
    on PortAudio's thread; ``device_change_suspected`` on the watcher's thread. One lock keeps
    stream changes apart.
    """

    supports_device_choice = True
    xrun_storm = 25  # PortAudio output underflows within xrun_window_seconds: the device is failing
    xrun_window_seconds = 2.0
    idle_rescan_seconds = 5.0  # without a sound server to ask: re-scan this often when idle

    def __init__(self, device_name: str = "", platform: str = sys.platform, **kwargs):
        super().__init__(**kwargs)
        self.device_name = device_name
        self.platform = platform
        self.device: audio_devices.OutputDevice | None = None  # the one playing
        # Asked every watcher check; None where there is no cheap way (then re-scan when idle).
        self.signature_probe = lambda: audio_devices.sound_server_signature(platform)
        self._fallback = ""
        self._stream = None
        self._latency = 0.0
        self._stream_lock = threading.RLock()
        self._closing = False  # our own stop: its finished callback is no failure
        self._lost = False
        self._xruns: collections.deque[float] = collections.deque()
        self._signature: str | None = None
        self._last_scan = time.monotonic()

    def open(self, sample_rate: int) -> None:
        """Open the device's stream (raises audio_output.AudioUnavailable)."""
        if self._stream is not None and self.sample_rate == sample_rate:
            return
        self.close()
        BufferedSink.open(self, sample_rate)
        self._open_stream(rescan=False)

    def _open_stream(self, rescan: bool) -> None:
        with self._stream_lock:
            self._close_stream()
            sd = audio_devices.sounddevice_module()
            if rescan:
                audio_devices.rescan(sd)
                self._last_scan = time.monotonic()
            device, self._fallback = audio_devices.resolve_output_device(sd, self.device_name, self.platform)
            self._lost = False
            self._xruns.clear()
            self._stream = open_output_stream(
                self.sample_rate,
                blocksize=self.block_frames,
                latency="low",
                device=device.index,
                callback=self._callback,
                finished_callback=self._on_stream_finished,
            )
            self.device = device
            self._latency = float(self._stream.latency or 0.0)

    def reopen(self) -> str:
        try:
            if self.sample_rate <= 0:
                return ""  # never opened: the next open uses the chosen device
            with self._stream_lock:
                self._open_stream(rescan=True)
                return self.current_device_label()
        finally:
            self.hold_at(None)

    def latency_samples(self) -> int:
        return int(self._latency * self.sample_rate)

    def _callback(self, outdata, frames, time_info, status):
        if status is not None and status.output_underflow:
            self._xruns.append(time.monotonic())
        outdata[:, 0] = self.pull(frames)

    def _on_stream_finished(self) -> None:
        if not self._closing:
            self._lost = True  # PortAudio ended the stream: the device went away

    def stream_problem(self) -> str:
        if self._lost or not self._stream_active():
            return "the audio device stopped"
        cutoff = time.monotonic() - self.xrun_window_seconds
        while self._xruns and self._xruns[0] < cutoff:
            self._xruns.popleft()
        if len(self._xruns) >= self.xrun_storm:
            return "the audio device keeps failing"
        return ""

    def _stream_active(self) -> bool:
        """False when PortAudio ended the stream by itself (True while none is open, or while
        we change it)."""
        stream = self._stream
        if stream is None or self._closing:
            return True
        try:
            return bool(stream.active) or self._closing or self._stream is not stream
        except Exception:  # noqa: BLE001 - a stream whose device is gone may fail to answer
            return False

    def output_device_names(self) -> list[str]:
        try:
            sd = audio_devices.sounddevice_module()
            return [d.name for d in audio_devices.output_devices(sd, self.platform)]
        except Exception:  # noqa: BLE001 - no PortAudio: nothing to choose
            return []

    def current_device_label(self) -> str:
        return "" if self.device is None else self.device.name

    def fallback_message(self) -> str:
        return self._fallback

    def device_change_suspected(self) -> bool:
        if self._stream is None:
            return False
        signature = self.signature_probe()
        if signature is not None:
            changed = self._signature is not None and signature != self._signature
            self._signature = signature
            return changed
        return self.is_idle() and time.monotonic() - self._last_scan >= self.idle_rescan_seconds

    def close(self) -> None:
        super().close()
        with self._stream_lock:
            self._close_stream()

    def _close_stream(self) -> None:
        """Stop (play out what the device holds) or, when it failed, abort; never raises."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        self._closing = True
        try:
            stream.abort() if self._lost else stream.stop()
        except Exception:  # noqa: BLE001 - a device that is gone fails to stop: close it anyway
            pass
        try:
            stream.close()
        except Exception:  # noqa: BLE001 - as above
            pass
        finally:
            self._closing = False
