"""The NVDA add-on: its manifest and build, and the synth driver driven through a stand-in for
the parts of NVDA it uses (tests/system_voice/nvda_standin), speaking through a real
`bittts serve` on the small test model with no sound card."""

import importlib.util
import json
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDON = ROOT / "packaging" / "nvda"
STANDIN = Path(__file__).resolve().parent / "nvda_standin"

sys.path.insert(0, str(ADDON))
import build_addon  # noqa: E402 - packaging/nvda is not a package

sys.path.remove(str(ADDON))


@pytest.fixture(scope="module")
def nvda(tiny_model_path):
    """The stand-in NVDA modules importable, and the driver module loaded against them."""
    sys.path.insert(0, str(STANDIN))
    import os

    previous = os.environ.get("BITTTS_SERVER_COMMAND")
    command = [sys.executable, "-m", "bittts.cli", "serve", "--audio", "null", "--model", str(tiny_model_path)]
    os.environ["BITTTS_SERVER_COMMAND"] = json.dumps(command)
    spec = importlib.util.spec_from_file_location("bittts_nvda_driver", ADDON / "addon" / "synthDrivers" / "bittts.py")
    driver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(driver)
    import speech.commands as commands
    import synthDriverHandler

    yield driver, synthDriverHandler, commands
    sys.path.remove(str(STANDIN))
    for name in ("synthDriverHandler", "logHandler", "speech", "speech.commands"):
        sys.modules.pop(name, None)
    if previous is None:
        os.environ.pop("BITTTS_SERVER_COMMAND", None)
    else:
        os.environ["BITTTS_SERVER_COMMAND"] = previous


class Notifications:
    def __init__(self, handler_module):
        self.items = []
        self.cond = threading.Condition()
        self.module = handler_module
        handler_module.synthIndexReached.register(self.index)
        handler_module.synthDoneSpeaking.register(self.done)

    def index(self, synth, index):
        with self.cond:
            self.items.append(("index", index))
            self.cond.notify_all()

    def done(self, synth):
        with self.cond:
            self.items.append(("done", None))
            self.cond.notify_all()

    def wait_done(self, count=1, timeout=30.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(1 for k, _ in self.items if k == "done") < count:
                left = deadline - time.monotonic()
                assert left > 0, f"not done: {self.items}"
                self.cond.wait(left)
            return list(self.items)

    def close(self):
        self.module.synthIndexReached.unregister(self.index)
        self.module.synthDoneSpeaking.unregister(self.done)


@pytest.fixture
def synth(nvda):
    driver, handler, _ = nvda
    assert driver.SynthDriver.check() is True
    s = driver.SynthDriver()
    notes = Notifications(handler)
    yield s, notes
    notes.close()
    s.terminate()


def test_manifest_is_valid_and_the_build_makes_an_addon(tmp_path):
    manifest = build_addon.read_manifest((ADDON / "addon" / "manifest.ini").read_text(encoding="utf-8"))
    assert build_addon.manifest_problems(manifest) == []
    assert manifest["name"] == "bittts" and manifest["summary"] == "BitTTS"
    out = build_addon.build(tmp_path, "9.8.7")
    assert out.name == "BitTTS-9.8.7.nvda-addon"
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["manifest.ini", "synthDrivers/bittts.py"]
        built = build_addon.read_manifest(zf.read("manifest.ini").decode("utf-8"))
        compile(zf.read("synthDrivers/bittts.py"), "bittts.py", "exec")
    assert built["version"] == "9.8.7" and built["minimumNVDAVersion"] == manifest["minimumNVDAVersion"]
    assert build_addon.main(["--dist", str(tmp_path / "d")]) == 0


def test_manifest_problems_are_named(tmp_path):
    good = build_addon.read_manifest((ADDON / "addon" / "manifest.ini").read_text(encoding="utf-8"))
    assert build_addon.manifest_problems({**good, "author": ""}) == ["manifest.ini has no author"]
    assert build_addon.manifest_problems({**good, "minimumNVDAVersion": "2026.1.0"}) == [
        "manifest.ini: minimumNVDAVersion is after lastTestedNVDAVersion"
    ]
    assert build_addon.manifest_problems({**good, "lastTestedNVDAVersion": "25.1"}) == [
        "manifest.ini: lastTestedNVDAVersion '25.1' is not YEAR.MAJOR.MINOR"
    ]
    assert build_addon.manifest_problems({**good, "name": "other"})[0].startswith("no synth driver")
    (tmp_path / "synthDrivers").mkdir()
    (tmp_path / "synthDrivers" / "bittts.py").write_text("class SynthDriver:\n    name = 'x'\n")
    assert build_addon.manifest_problems(good, tmp_path) == [
        "bittts.py: class SynthDriver must set name = 'bittts' (found ['x'])"
    ]
    (tmp_path / "manifest.ini").write_text('name = bittts\nsummary = "B"\n')
    with pytest.raises(ValueError, match="manifest.ini has no description"):
        build_addon.build(tmp_path / "out", "1.0", tmp_path)


def test_settings_rates_and_voices(nvda):
    driver, handler, _ = nvda
    assert driver.nvda_rate_to_speed(50, False) == pytest.approx(1.0)
    assert driver.nvda_rate_to_speed(100, False) == pytest.approx(2.0)
    assert driver.nvda_rate_to_speed(0, False) == pytest.approx(0.5)
    assert driver.nvda_rate_to_speed(100, True) == pytest.approx(4.5)
    assert driver.nvda_rate_to_speed(0, True) == pytest.approx(1.0)
    assert driver.nvda_pitch_to_semitones(50) == 0 and driver.nvda_pitch_to_semitones(100) == 6
    assert driver.nvda_volume_to_gain(100) == 1.0
    ids = {s.id for s in driver.SynthDriver.supportedSettings}
    assert ids == {"voice", "variant", "rate", "rateBoost", "pitch", "volume"}
    assert handler.synthIndexReached in driver.SynthDriver.supportedNotifications


def test_voices_variants_and_settings_reach_the_server(synth):
    s, _ = synth
    voices = s.availableVoices
    assert list(voices) == ["spk0", "spk1", "spk2"]
    assert voices["spk0"].language == "en_US" and "female" in voices["spk0"].displayName
    s.voice = "spk1"
    assert s.voice == "spk1"
    s.voice = "nobody"  # not a voice: unchanged
    assert s.voice == "spk1"
    assert list(s.availableVariants) == ["none", "spk0", "spk2"]
    s.variant = "spk2"
    assert s.variant == "spk2"
    s.rateBoost = True
    s.rate = 100
    s.pitch = 75
    s.volume = 40
    reply = s._server.request({"cmd": "set"})  # an empty set answers with the settings
    assert reply["settings"] == {"voice": "spk1:0.7+spk2:0.3", "rate": pytest.approx(4.5), "pitch": 3.0, "volume": 0.4}


def test_speech_sequences_become_ssml(synth, nvda):
    s, _ = synth
    _, _, c = nvda
    ssml = s.sequence_to_ssml(
        ["a < b & c", c.IndexCommand(3), c.CharacterModeCommand(True), "ab", c.CharacterModeCommand(False)]
        + [c.BreakCommand(250), c.PitchCommand(offset=25), "Cap", c.PitchCommand(isDefault=True), "end"]
        + [c.LangChangeCommand("fr")]
    )
    assert ssml == (
        '<speak>a &lt; b &amp; c<mark name="3"/><say-as interpret-as="characters">ab</say-as>'
        '<break time="250ms"/><prosody pitch="+3.0st" rate="1.000" volume="+0.0dB">Cap</prosody>end</speak>'
    )


def test_speak_reports_indexes_in_order_and_queues_utterances(synth, nvda):
    s, notes = synth
    _, _, c = nvda
    s.speak(["Hello", c.IndexCommand(1), " there.", c.IndexCommand(2)])
    s.speak(["Second one.", c.IndexCommand(3)])  # while the first is spoken: it waits its turn
    items = notes.wait_done()
    assert items == [("index", 1), ("index", 2), ("index", 3), ("done", None)]


def test_cancel_stops_at_once_and_drops_what_waits(synth, nvda):
    s, notes = synth
    _, _, c = nvda
    long = []
    for n in range(40):
        long += [f"Sentence {n} goes on for a while.", c.IndexCommand(100 + n)]
    s.speak(long)
    s.speak(["Never heard.", c.IndexCommand(999)])
    deadline = time.monotonic() + 30
    while not notes.items:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    s.cancel()
    time.sleep(0.5)
    seen = list(notes.items)
    assert ("index", 999) not in seen and ("done", None) not in seen
    assert len(seen) < 40  # cut off long before the end
    s.speak(["After.", c.IndexCommand(7)])
    assert notes.wait_done()[-2:] == [("index", 7), ("done", None)]


def test_pause_holds_the_speech(synth, nvda):
    s, notes = synth
    _, _, c = nvda
    s.speak(["One sentence to hold for a while.", c.IndexCommand(1), "And another.", c.IndexCommand(2)])
    s.pause(True)
    time.sleep(0.4)
    held = list(notes.items)
    assert ("done", None) not in held
    s.pause(False)
    assert notes.wait_done()[-1] == ("done", None)


def test_a_server_that_ended_is_started_again_on_the_next_speech(synth, nvda):
    s, notes = synth
    driver, _, c = nvda
    s.rate = 80
    s._server.process.kill()
    s._server.process.wait(timeout=10)
    s.speak(["Back again.", c.IndexCommand(5)])
    assert notes.wait_done() == [("index", 5), ("done", None)]
    assert s._server.request({"cmd": "set"})["settings"]["rate"] == pytest.approx(driver.nvda_rate_to_speed(80, False))
