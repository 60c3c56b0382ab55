"""A stand-in for the sounddevice module, as the app uses it, for machines without a sound card.

Like PortAudio, it lists the devices as they were at the last ``_initialize`` (a device plugged
in later is invisible until a re-scan; one unplugged stays listed but cannot be opened). The
test's hands: ``plug``, ``unplug`` (an open stream on that device dies: its callback stops and
its finished callback runs, as PortAudio does), ``set_default``, ``signature`` (what
``pactl`` would say). Streams play on a clock thread at ``speedup`` x real time and record, per
device name, every block the callback filled (``heard`` gives the non-silent samples).
"""

from __future__ import annotations

import collections
import threading
from types import SimpleNamespace

import numpy as np


class PortAudioError(Exception):
    pass


class CallbackFlags:
    def __init__(self, output_underflow: bool = False):
        self.output_underflow = output_underflow


class FakeStream:
    period = 0.005  # seconds between callbacks

    def __init__(self, sd: FakeSoundDevice, device: str, samplerate: int, callback, finished_callback):
        self.sd, self.device, self.samplerate = sd, device, samplerate
        self.callback, self.finished_callback = callback, finished_callback
        self.latency = 0.0
        self.active = self.closed = self.dead = False
        self.underflow = False  # flag every callback: an xrun storm
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self):
        if self.dead:
            raise PortAudioError("Device unavailable")
        self.active = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._halt.wait(self.period):
            frames = max(1, int(self.samplerate * self.period * self.sd.speedup))
            out = np.zeros((frames, 1), np.float32)
            self.callback(out, frames, None, CallbackFlags(self.underflow))
            self.sd.played[self.device].append(out[:, 0].copy())

    def _halt_thread(self):
        self._halt.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2.0)
        self.active = False

    def die(self):
        """The device went away: no more callbacks, then the finished callback."""
        self.dead = True
        self._halt_thread()
        if self.finished_callback is not None:
            self.finished_callback()

    def stop(self):
        if self.dead:
            raise PortAudioError("Device unavailable")
        self._halt_thread()
        if self.finished_callback is not None:
            self.finished_callback()

    def abort(self):
        self._halt_thread()

    def close(self):
        self._halt_thread()
        self.closed = True


class FakeSoundDevice:
    """``devices``: (host API, name) pairs; ``defaults``: host API -> its default output's name."""

    PortAudioError = PortAudioError
    CallbackFlags = CallbackFlags

    def __init__(self, devices, defaults=None, speedup: float = 1.0):
        self.present: list[tuple[str, str]] = list(devices)
        self.defaults: dict[str, str] = dict(defaults or {})
        self.speedup = speedup
        self.streams: list[FakeStream] = []
        self.played: dict[str, list[np.ndarray]] = collections.defaultdict(list)
        self.scans = 0
        self.scans_with_a_stream_open = 0
        self.default = SimpleNamespace(device=[None, None])
        self._initialize()
        self.scans = 0

    # ---- the sounddevice API
    def _apis(self) -> list[str]:
        return list(dict.fromkeys(api for api, _ in self._scanned))

    def query_hostapis(self, index=None):
        apis = []
        for api in self._apis():
            indices = [i for i, (a, _) in enumerate(self._scanned) if a == api]
            default = next((i for i in indices if self._scanned[i][1] == self._scanned_defaults.get(api)), -1)
            apis.append({"name": api, "devices": indices, "default_input_device": -1, "default_output_device": default})
        return tuple(apis) if index is None else apis[index]

    def _info(self, i: int) -> dict:
        api, name = self._scanned[i]
        return {
            "name": name,
            "index": i,
            "hostapi": self._apis().index(api),
            "max_input_channels": 0,
            "max_output_channels": 2,
            "default_samplerate": 48000.0,
        }

    def query_devices(self, device=None, kind=None):
        if kind == "output":
            apis = self.query_hostapis()
            if not apis or apis[0]["default_output_device"] < 0:
                raise PortAudioError("Error querying device -1")
            return self._info(apis[0]["default_output_device"])
        if device is not None:
            return self._info(device)
        return [self._info(i) for i in range(len(self._scanned))]

    def _terminate(self):
        if any(not s.closed for s in self.streams):
            self.scans_with_a_stream_open += 1

    def _initialize(self):
        self._scanned = list(self.present)
        self._scanned_defaults = dict(self.defaults)
        self.scans += 1

    def OutputStream(self, samplerate, channels, dtype, device=None, callback=None, finished_callback=None, **_):
        assert channels == 1 and dtype == "float32"
        if device is None or not 0 <= device < len(self._scanned) or self._scanned[device] not in self.present:
            raise PortAudioError("Invalid device [PaErrorCode -9996]")
        stream = FakeStream(self, self._scanned[device][1], samplerate, callback, finished_callback)
        self.streams.append(stream)
        return stream

    # ---- the test's hands
    def plug(self, api: str, name: str, make_default: bool = False):
        self.present.append((api, name))
        if make_default:
            self.defaults[api] = name

    def unplug(self, name: str):
        self.present = [(a, n) for a, n in self.present if n != name]
        for api, default in list(self.defaults.items()):
            if default == name:
                rest = [n for a, n in self.present if a == api]
                if rest:
                    self.defaults[api] = rest[0]
                else:
                    del self.defaults[api]
        for stream in self.streams:
            if stream.device == name and not stream.closed and not stream.dead:
                stream.die()

    def set_default(self, api: str, name: str):
        self.defaults[api] = name

    def signature(self) -> str:
        return "|".join([str(sorted(self.defaults.items())), *sorted(n for _, n in self.present)])

    def open_streams(self) -> list[FakeStream]:
        return [s for s in self.streams if not s.closed]

    def heard(self, name: str) -> np.ndarray:
        """The non-silent samples the device ``name`` played, in order."""
        blocks = self.played.get(name, [])
        samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
        return samples[samples != 0]
