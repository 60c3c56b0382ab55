"""Issue 29: no settings file or pronunciation dictionary stops the app or loses data."""

import json

import pytest

from bittts.app.settings import Settings, SettingsStore
from bittts.app.window import MainWindow
from bittts.engine.synthesis_types import PITCH_RANGE, SPEED_RANGE, VOLUME_RANGE
from bittts.engine.text.user_dict import UserDict

DEEP = "[" * 100_000 + "]" * 100_000
HUGE_INT = "9" * 400
TOO_MANY_DIGITS = "9" * 5000  # past Python's int conversion limit: json raises ValueError


@pytest.mark.parametrize(
    "content",
    [DEEP, '{"speed": ' + DEEP + "}", '{"speed": ' + TOO_MANY_DIGITS + "}", "{not json", "[1]", b"\xff\xfe\x00"],
)
def test_unreadable_settings_give_the_defaults_and_a_problem(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    store = SettingsStore(path)
    assert store.load() == Settings()
    assert store.problem and "defaults" in store.problem


def test_numbers_out_of_range_are_clamped_even_with_400_digits(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(f'{{"speed": {HUGE_INT}, "pitch": -{HUGE_INT}, "font_size": 1e400, "volume": -1e400}}')
    store = SettingsStore(path)
    s = store.load()
    assert (s.speed, s.pitch, s.font_size, s.volume) == (SPEED_RANGE[1], PITCH_RANGE[0], 48, VOLUME_RANGE[0])
    assert store.problem == ""


def test_unknown_keys_survive_a_save(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"speed": 1.5, "from_a_newer_version": {"a": [1, 2]}, "x": 3}))
    store = SettingsStore(path)
    settings = store.load()
    settings.speed = 2.0
    store.save(settings)
    data = json.loads(path.read_text())
    assert data["from_a_newer_version"] == {"a": [1, 2]} and data["x"] == 3 and data["speed"] == 2.0


def test_backups_of_corrupt_files_are_numbered_never_overwritten(tmp_path):
    path = tmp_path / "settings.json"
    for junk in ["{first", "{second", "{third"]:
        path.write_text(junk)
        store = SettingsStore(path)
        store.load()
        store.save(Settings())
    names = {
        "settings.json.corrupt": "{first",
        "settings.json.corrupt.1": "{second",
        "settings.json.corrupt.2": "{third",
    }
    for name, junk in names.items():
        assert (tmp_path / name).read_text() == junk


def test_user_dict_deep_nesting_or_huge_numbers_are_problems_not_exceptions(tmp_path):
    path = tmp_path / "pron.json"
    for content in (DEEP, '{"entries": {"a": ' + DEEP + "}}", '{"version": ' + TOO_MANY_DIGITS + ', "entries": {}}'):
        path.write_text(content)
        ud = UserDict.load(path)
        assert len(ud) == 0 and ud.problems
        assert path.read_text() == content  # untouched until a save keeps it aside
    ud.add("gif", respell="jif")
    ud.save()
    ud2 = UserDict.load(path)
    ud2.save()
    path.write_text("{broken")
    ud3 = UserDict.load(path)
    ud3.save()
    assert (tmp_path / "pron.json.corrupt").read_text() == content
    assert (tmp_path / "pron.json.corrupt.1").read_text() == "{broken"


def test_user_dict_keeps_unknown_keys(tmp_path):
    path = tmp_path / "pron.json"
    path.write_text(json.dumps({"version": 1, "entries": {"gif": {"respell": "jif"}}, "notes": "mine"}))
    ud = UserDict.load(path)
    ud.add("tomato", arpabet="T AH0 M EY1 T OW2")
    ud.save()
    data = json.loads(path.read_text())
    assert data["notes"] == "mine" and set(data["entries"]) == {"gif", "tomato"}


def test_the_app_starts_with_a_voice_and_says_what_is_wrong_once(qtbot, make_context, fake_sink, tmp_path, monkeypatch):
    # a deeply nested dictionary left the app with no voice and no message
    from app_fakes import FakeSynthesizer

    import bittts.engine.synthesis as synthesis
    from bittts.app.main import synthesizer_loader

    monkeypatch.setattr(synthesis, "Synthesizer", lambda *a, **k: FakeSynthesizer())
    (tmp_path / "pronunciations.json").write_text('{"entries": ' + DEEP + "}")
    settings = tmp_path / "s.json"
    settings.write_text('{"speed": ' + DEEP + "}")
    model = tmp_path / "m.bttm"
    model.write_bytes(b"x")
    ctx = make_context(None, fake_sink, settings_path=settings)
    said = []
    window = MainWindow(ctx, synthesizer_loader=synthesizer_loader(ctx, model), model_readout="test")
    qtbot.addWidget(window)
    window.status.announce = lambda text, *a, **k: said.append(text)
    qtbot.waitUntil(lambda: ctx.synthesizer is not None, timeout=5000)
    qtbot.waitUntil(lambda: any("Pronunciation dictionary" in s for s in said), timeout=5000)
    assert sum("Pronunciation dictionary" in s and "nested too deeply" in s for s in said) == 1
    window._load_synthesizer()  # a reload does not say it again
    qtbot.wait(200)
    assert sum("Pronunciation dictionary" in s for s in said) == 1
