"""Output devices without a sound card: what "System default" means on each system, the
re-scan, the fallback from a missing device, the watcher, and the sink's device moves on a
fake sounddevice module."""

import os
import sys
import threading

import numpy as np
import pytest
from fake_sounddevice import FakeSoundDevice

from bittts.app import audio_devices
from bittts.app.audio import SoundDeviceSink
from bittts.engine.audio_output import AudioUnavailable

HDA = "HDA Intel PCH: ALC892 Analog (hw:0,0)"
USB = "USB Headset: Audio (hw:1,0)"


def linux(*names, api="ALSA"):
    return FakeSoundDevice([(api, n) for n in names], {api: names[0]} if names else {})


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ((HDA, "pulse", "pipewire", "default"), "pipewire"),
        ((HDA, "pulse", "default"), "pulse"),
        ((HDA, USB, "default"), "default"),
        ((USB, HDA), USB),  # no routed PCM: ALSA's own default
    ],
)
def test_linux_default_is_the_pcm_that_routes_to_the_sound_server(names, expected):
    assert audio_devices.system_default_device(linux(*names), "linux").name == expected


def test_windows_default_is_mme_sound_mapper_and_the_list_is_mme():
    sd = FakeSoundDevice(
        [
            ("MME", "Microsoft Sound Mapper - Output"),
            ("MME", "Speakers (Realtek(R) Audio)"),
            ("Windows WASAPI", "Speakers (Realtek(R) Audio)"),
            ("Windows WASAPI", "Headphones (Jabra)"),
        ],
        {"MME": "Microsoft Sound Mapper - Output", "Windows WASAPI": "Headphones (Jabra)"},
    )
    assert audio_devices.system_default_device(sd, "win32").name == "Microsoft Sound Mapper - Output"
    listed = audio_devices.output_devices(sd, "win32")
    assert [d.name for d in listed] == ["Microsoft Sound Mapper - Output", "Speakers (Realtek(R) Audio)"]
    assert {d.host_api for d in listed} == {"MME"}


def test_macos_default_is_core_audios_and_other_systems_take_portaudios():
    sd = FakeSoundDevice([("Core Audio", "MacBook Speakers"), ("Core Audio", "AirPods")], {"Core Audio": "AirPods"})
    assert audio_devices.system_default_device(sd, "darwin").name == "AirPods"
    sd = FakeSoundDevice([("OSS", "/dev/dsp"), ("OSS", "/dev/dsp1")], {"OSS": "/dev/dsp1"})
    assert audio_devices.system_default_device(sd, "freebsd14").name == "/dev/dsp1"


def test_resolve_a_chosen_a_missing_and_no_device():
    sd = linux(HDA, USB, "pipewire")
    assert audio_devices.resolve_output_device(sd, USB, "linux") == (audio_devices.OutputDevice(1, USB, "ALSA"), "")
    device, message = audio_devices.resolve_output_device(sd, "Bluetooth Speaker", "linux")
    assert device.name == "pipewire" and "Bluetooth Speaker" in message and "system default" in message
    with pytest.raises(AudioUnavailable, match="no output device"):
        audio_devices.resolve_output_device(FakeSoundDevice([]), "", "linux")


def test_only_a_rescan_shows_a_device_plugged_in_later():
    sd = linux(HDA, "pipewire")
    sd.plug("ALSA", USB)
    assert audio_devices.find_output_device(sd, USB, "linux") is None  # PortAudio's list is stale
    audio_devices.rescan(sd)
    assert audio_devices.find_output_device(sd, USB, "linux").name == USB


def test_watcher_calls_back_on_a_change_and_when_poked():
    changed, calls = threading.Event(), []
    flag = {"changed": False}

    def check():
        calls.append(1)
        return flag["changed"]

    watcher = audio_devices.DeviceWatcher(check, changed.set, interval_seconds=60.0)
    watcher.start()
    try:
        watcher.poke()
        assert not changed.wait(0.3) and calls  # looked, nothing changed
        flag["changed"] = True
        watcher.poke()  # long before the 60 s interval
        assert changed.wait(10.0)
    finally:
        watcher.stop()


def test_watcher_survives_a_failing_check():
    seen = threading.Event()
    answers = iter([RuntimeError("pactl crashed"), True])

    def check():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    watcher = audio_devices.DeviceWatcher(check, seen.set, interval_seconds=0.01)
    watcher.start()
    try:
        assert seen.wait(10.0)
    finally:
        watcher.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for pactl")
def test_sound_server_signature_reads_pactl(tmp_path, monkeypatch):
    assert audio_devices.sound_server_signature("darwin") is None
    monkeypatch.setenv("PATH", str(tmp_path))
    assert audio_devices.sound_server_signature("linux") is None  # no pactl
    pactl = tmp_path / "pactl"
    default = tmp_path / "default"
    default.write_text("alsa_output.pci.analog-stereo\n")
    pactl.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = get-default-sink ]; then read -r s < {default}; echo "$s"; exit 0; fi\n'
        "printf '1\\talsa_output.pci.analog-stereo\\tPipeWire\\ts16le 2ch 48000Hz\\tRUNNING\\n'\n"
        "printf '2\\tbluez_output.headset\\tPipeWire\\ts16le 2ch 48000Hz\\tSUSPENDED\\n'\n"
    )
    pactl.chmod(0o755)
    first = audio_devices.sound_server_signature("linux")
    assert first == "alsa_output.pci.analog-stereo|alsa_output.pci.analog-stereo,bluez_output.headset"
    default.write_text("bluez_output.headset\n")
    assert audio_devices.sound_server_signature("linux") != first
    pactl.write_text("#!/bin/sh\nexit 1\n")
    assert audio_devices.sound_server_signature("linux") is None  # no server: no cheap answer
    assert os.environ["PATH"] == str(tmp_path)


# ---- the sink on the fake module


@pytest.fixture
def mac(monkeypatch):
    sd = FakeSoundDevice([("Core Audio", "MacBook Speakers"), ("Core Audio", "AirPods")], {"Core Audio": "AirPods"})
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    return sd


def sink_on(sd, name="", rate=1000):
    sink = SoundDeviceSink(name, platform="darwin", prefill_seconds=0.0, buffer_seconds=10.0)
    sink.signature_probe = sd.signature
    sink.open(rate)
    return sink


def wait_until(condition, timeout=10.0):
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        done.wait(0.01)
    return condition()


def test_sink_opens_the_chosen_device_else_the_default_with_a_message(mac):
    sink = sink_on(mac, "MacBook Speakers")
    assert sink.current_device_label() == "MacBook Speakers" and sink.fallback_message() == ""
    sink.close()
    sink = sink_on(mac, "USB DAC")
    assert sink.current_device_label() == "AirPods" and "USB DAC" in sink.fallback_message()
    sink.close()
    assert not mac.open_streams()


def test_a_move_at_a_held_sample_loses_and_repeats_nothing(mac):
    sink = sink_on(mac)
    ramp = np.arange(1, 3001, dtype=np.float32) / 4000  # no zeros: every sample is traceable
    sink.write(ramp)
    sink.hold_at(1000)
    assert sink.wait_for_hold(10.0) and sink.played_samples() == 1000
    mac.set_default("Core Audio", "MacBook Speakers")
    assert sink.reopen() == "MacBook Speakers"
    sink.end_of_stream()
    assert wait_until(lambda: sink.played_samples() == 3000)
    sink.close()
    assert np.array_equal(mac.heard("AirPods"), ramp[:1000])
    assert np.array_equal(mac.heard("MacBook Speakers"), ramp[1000:])
    assert mac.scans == 1 and mac.scans_with_a_stream_open == 0  # re-scanned, only with no stream open


def test_an_unplugged_device_and_an_underflow_storm_are_stream_problems(mac):
    sink = sink_on(mac)
    assert sink.stream_problem() == ""
    mac.unplug("AirPods")
    assert "stopped" in sink.stream_problem()
    assert sink.reopen() == "MacBook Speakers" and sink.stream_problem() == ""
    mac.open_streams()[-1].underflow = True
    assert wait_until(lambda: "failing" in sink.stream_problem())
    sink.reopen()
    assert sink.stream_problem() == ""
    mac.open_streams()[-1].active = False  # ended without its finished callback
    assert "stopped" in sink.stream_problem()
    sink.close()


def test_the_signature_or_an_idle_rescan_tells_of_a_change(mac):
    sink = sink_on(mac)
    assert not sink.device_change_suspected()  # the first look only notes the signature
    assert not sink.device_change_suspected()
    mac.set_default("Core Audio", "MacBook Speakers")
    assert sink.device_change_suspected()
    sink.signature_probe = lambda: None  # no sound server to ask: re-scan when idle, now and then
    sink.idle_rescan_seconds = 0.0
    assert not sink.device_change_suspected()  # before the first audio: not idle
    sink.write(np.ones(5000, np.float32))  # 5 s at 1000 Hz
    assert wait_until(lambda: sink.played_samples() > 0)
    assert not sink.is_idle() and not sink.device_change_suspected()  # audio waiting: no re-scan
    sink.set_paused(True)
    assert sink.is_idle() and sink.device_change_suspected()
    sink.set_paused(False)
    sink.end_of_stream()
    assert wait_until(lambda: sink.queued_samples() == 0)
    assert sink.is_idle() and sink.device_change_suspected()  # run dry
    sink.close()


def test_no_device_at_all_is_audio_unavailable(monkeypatch):
    sd = FakeSoundDevice([])
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    with pytest.raises(AudioUnavailable):
        sink_on(sd)
