"""Output devices: which exist, which one "System default" means, and a watcher that notices
when the system's default output changes.

"System default" is the PortAudio device that follows the system's own choice, so that the
sound server moves our stream when the default changes, without a reopen, where it can:

- Linux: the ALSA PCM that routes to the sound server, "pipewire", else "pulse", else "default";
- Windows: MME's default output, "Microsoft Sound Mapper", which follows the system default
  (else WASAPI's default, which is the default at the time PortAudio scanned);
- macOS: Core Audio's default output (PortAudio keeps the device it opened: a re-scan sees a
  new default);
- elsewhere, or when those are absent: PortAudio's default output.

PortAudio lists the devices once, in Pa_Initialize: ``rescan`` (Pa_Terminate + Pa_Initialize,
sounddevice's ``_terminate``/``_initialize``) is the only way to see a device plugged in later,
and it ends every open stream, so it may run only with none open (the sink does it between
closing one stream and opening the next). Devices are remembered by name: indices change with
each scan.

Threading: these functions call PortAudio and may take a few hundred milliseconds on a re-scan
(ALSA probes every card); the sink calls them on a worker or on the watcher's thread.
``sound_server_signature`` runs ``pactl`` (a subprocess, up to 2 s); only the watcher calls it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from bittts.engine.audio_output import AudioUnavailable, sounddevice_module

__all__ = [
    "DeviceWatcher",
    "OutputDevice",
    "find_output_device",
    "output_devices",
    "rescan",
    "resolve_output_device",
    "sound_server_signature",
    "sounddevice_module",
    "system_default_device",
]

# The ALSA PCMs that route to the sound server's current default sink, best first.
ROUTED_LINUX_DEVICES = ("pipewire", "pulse", "default")
# The host APIs whose devices are listed and whose default is "System default", best first.
PREFERRED_HOST_APIS = {"linux": ("ALSA",), "win32": ("MME", "Windows WASAPI"), "darwin": ("Core Audio",)}


@dataclass(frozen=True)
class OutputDevice:
    index: int  # PortAudio's index, valid until the next re-scan
    name: str
    host_api: str


def _platform_key(platform: str) -> str:
    return "linux" if platform.startswith("linux") else platform


def rescan(sd: ModuleType) -> None:
    """Make PortAudio list the devices again (no stream may be open); raises AudioUnavailable."""
    try:
        sd._terminate()
        sd._initialize()
    except Exception as exc:  # noqa: BLE001 - PortAudioError, or OSError from the library
        raise AudioUnavailable(f"the audio devices cannot be scanned ({exc})") from None


def _host_apis(sd: ModuleType) -> list[dict]:
    return [dict(api) for api in sd.query_hostapis()]


def _output_devices_of(sd: ModuleType, api_index: int, api_name: str) -> list[OutputDevice]:
    devices = sd.query_devices()
    found = []
    for index in _host_apis(sd)[api_index]["devices"]:
        info = devices[index]
        if info["max_output_channels"] > 0:
            found.append(OutputDevice(index, info["name"], api_name))
    return found


def _preferred_api(sd: ModuleType, platform: str) -> tuple[int, str] | None:
    """The first preferred host API of ``platform`` that has an output device."""
    apis = _host_apis(sd)
    for wanted in PREFERRED_HOST_APIS.get(_platform_key(platform), ()):
        for i, api in enumerate(apis):
            if api["name"] == wanted and _output_devices_of(sd, i, wanted):
                return i, wanted
    return None


def output_devices(sd: ModuleType, platform: str = sys.platform) -> list[OutputDevice]:
    """The output devices to offer, by the preferred host API (all host APIs where it has
    none), each name once, as PortAudio last scanned them."""
    preferred = _preferred_api(sd, platform)
    apis = _host_apis(sd)
    chosen = [preferred] if preferred is not None else [(i, api["name"]) for i, api in enumerate(apis)]
    seen: set[str] = set()
    result = []
    for index, name in chosen:
        for device in _output_devices_of(sd, index, name):
            if device.name not in seen:
                seen.add(device.name)
                result.append(device)
    return result


def system_default_device(sd: ModuleType, platform: str = sys.platform) -> OutputDevice | None:
    """The device "System default" plays on (see the module docstring); None when there is no
    output device at all."""
    preferred = _preferred_api(sd, platform)
    if preferred is not None:
        index, api_name = preferred
        devices = _output_devices_of(sd, index, api_name)
        if _platform_key(platform) == "linux":
            by_name = {d.name: d for d in devices}
            for name in ROUTED_LINUX_DEVICES:
                if name in by_name:
                    return by_name[name]
        default_index = _host_apis(sd)[index]["default_output_device"]
        for device in devices:
            if device.index == default_index:
                return device
    try:
        info = sd.query_devices(kind="output")  # PortAudio's own default output
    except Exception:  # noqa: BLE001 - PortAudioError or ValueError: there is none
        return None
    index = info.get("index", -1)
    if index is None or index < 0:
        return None
    return OutputDevice(int(index), info["name"], _host_apis(sd)[info["hostapi"]]["name"])


def find_output_device(sd: ModuleType, name: str, platform: str = sys.platform) -> OutputDevice | None:
    """The output device called ``name`` (preferred host API first), None if it is not there."""
    for device in output_devices(sd, platform):
        if device.name == name:
            return device
    return None


def resolve_output_device(sd: ModuleType, name: str, platform: str = sys.platform) -> tuple[OutputDevice, str]:
    """The device to open for the chosen ``name`` ("" = system default) and a message when the
    chosen one is missing and the default is used instead ("" otherwise). Raises
    AudioUnavailable when there is no output device at all."""
    fallback = ""
    if name:
        device = find_output_device(sd, name, platform)
        if device is not None:
            return device, ""
        fallback = missing_device_message(name)
    default = system_default_device(sd, platform)
    if default is None:
        raise AudioUnavailable("no output device was found")
    return default, fallback


def missing_device_message(name: str) -> str:
    return f"The output device “{name}” is not connected; using the system default until it is back."


def sound_server_signature(platform: str = sys.platform) -> str | None:
    """The PulseAudio/PipeWire default sink and the names of all sinks, as one string that
    changes when the default changes or a device comes or goes; None where there is no
    ``pactl`` (not Linux, no sound server) or it fails: then only a re-scan tells."""
    if _platform_key(platform) != "linux":
        return None
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        default = subprocess.run([pactl, "get-default-sink"], capture_output=True, text=True, timeout=2)
        sinks = subprocess.run([pactl, "list", "short", "sinks"], capture_output=True, text=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return None
    if default.returncode != 0 or sinks.returncode != 0:
        return None
    names = sorted(line.split("\t")[1] for line in sinks.stdout.splitlines() if line.count("\t") >= 1)
    return default.stdout.strip() + "|" + ",".join(names)


class DeviceWatcher:
    """Runs ``check`` on a thread of its own every ``interval_seconds`` and whenever ``poke``
    is called (the player pokes at each sentence boundary); when ``check`` returns True, calls
    ``on_change`` on that thread (connect a Qt signal to it to reach the GUI, queued)."""

    def __init__(self, check: Callable[[], bool], on_change: Callable[[], None], interval_seconds: float = 2.0):
        self.check, self.on_change = check, on_change
        self.interval_seconds = interval_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        # Fresh events for each thread: a stopped one still waking up must stay stopped.
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop, self._wake), name="bittts-device-watcher", daemon=True
        )
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Ask the thread to end (it ends after the check under way, if any); does not wait."""
        self._stop.set()
        self._wake.set()
        self._thread = None

    def _run(self, stop: threading.Event, wake: threading.Event) -> None:
        while not stop.is_set():
            wake.wait(self.interval_seconds)
            wake.clear()
            if stop.is_set():
                return
            try:
                changed = self.check()
            except Exception:  # noqa: BLE001 - a failing probe must not end the watching
                changed = False
            if changed and not stop.is_set():
                try:
                    self.on_change()
                except RuntimeError:  # the receiver is gone (its Qt object was deleted)
                    return
