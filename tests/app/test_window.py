import json
import subprocess
import sys

import doc_fixtures as docs
import numpy as np
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QAccessible, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QToolButton,
    QWidget,
)

from bittts import cli
from bittts.app.main import model_readout_text
from bittts.app.settings import Settings, SettingsStore
from bittts.app.window import MainWindow
from bittts.engine.model_format import ModelWriter


def small_model(path):
    w = ModelWriter()
    w.add_ternary("conv.weight", np.zeros((8, 8, 5), np.int8), 0.1)
    w.write(path)
    return path


# ---- the model readout
def test_window_shows_the_model_readout(qtbot, make_context, tmp_path):
    ctx = make_context()
    ctx.model_path = small_model(tmp_path / "m.bttm")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    text = window.model_readout.text()
    assert "320 parameters" in text and "bits/weight" in text
    assert window.editor.accessibleName() == "Text to read"


def test_readout_explains_a_missing_or_broken_model(tmp_path):
    assert "No voice model installed" in model_readout_text(tmp_path / "absent.bttm")
    bad = tmp_path / "bad.bttm"
    bad.write_bytes(b"\0" * 100)
    assert "cannot be read" in model_readout_text(bad)


def test_readout_matches_bittts_info(tmp_path, capsys):
    path = small_model(tmp_path / "m.bttm")
    assert cli.main(["info", "--model", str(path)]) == 0
    info = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    readout = model_readout_text(path)
    assert f"Model {info['file size'].strip()} " in readout
    assert f"{info['parameters'].split('(')[0].strip()} parameters" in readout
    assert f"{info['bits per weight'].split('(')[0].strip()} bits/weight" in readout
    fp32, reduction = info["fp32 size"].strip().split(" -> ")
    assert f"fp32 {fp32} ({reduction.replace(' smaller', '')} smaller)" in readout


def test_live_readout_shows_memory_and_real_time_factor(window, qtbot):
    window.editor.setPlainText("One two. Three four.")
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.play()
    window._update_live_readout()
    text = window.live_panel.text()
    assert "engine 2.00 MB" in text and "process" in text and "RTF" in text
    assert window.context.rtf is not None
    assert "6,400,000 parameters" in window.model_readout.text()


# ---- no model, no audio device
def test_starts_without_a_voice_model(qtbot, make_context, fake_sink):
    window = MainWindow(make_context(None, fake_sink))
    qtbot.addWidget(window)
    assert "No voice model" in window.last_announcement
    assert not window.act_play.isEnabled() and not window.act_export.isEnabled()
    assert window.act_open.isEnabled() and window.act_next.isEnabled()
    window.editor.setPlainText("Still editable.")
    window.play()  # does nothing and does not crash
    assert window.controller.state == "stopped"


def test_no_audio_device_says_so_and_offers_export(qtbot, make_context, fake_synth, tmp_path):
    window = MainWindow(make_context(fake_synth, no_audio=True))
    qtbot.addWidget(window)
    assert "No audio output" in window.last_announcement and "export" in window.last_announcement.lower()
    assert not window.act_play.isEnabled()
    assert window.act_export.isEnabled()
    window.editor.setPlainText("Exported anyway.")
    worker = window.export_to(str(tmp_path / "o.wav"))
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=5000)
    assert (tmp_path / "o.wav").stat().st_size > 44
    assert worker is not None


def test_audio_failure_at_play_time_is_a_message(qtbot, make_context, fake_synth):
    from app_fakes import FakeSink

    from bittts.engine.audio_output import AudioUnavailable

    class UnpluggedSink(FakeSink):
        def open(self, sample_rate):
            raise AudioUnavailable("the device was unplugged")

    sink = UnpluggedSink()
    window = MainWindow(make_context(fake_synth, sink))
    qtbot.addWidget(window)
    assert window.act_play.isEnabled()
    window.editor.setPlainText("Hello.")
    window.play()
    assert "unplugged" in window.last_error
    assert window.controller.state == "stopped" and not window.editor.isReadOnly()
    sink.close()


# ---- settings
def test_speed_control_spans_the_engines_range_up_to_four_and_a_half(window):
    slider = window.speed_slider
    assert (slider.minimum(), slider.maximum()) == (50, 450)
    slider.setValue(slider.maximum())
    assert window.context.settings.speed == 4.5 and window.context.current_config().speed == 4.5
    assert window.voice_panel.speed_value.text() == "4.50×"


def test_settings_round_trip(qtbot, make_context, fake_synth, fake_sink, tmp_path):
    path = tmp_path / "s.json"
    window = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(window)
    window.speed_slider.setValue(150)
    window.pitch_slider.setValue(-2)
    window.volume_slider.setValue(80)
    window.voice_combo.setCurrentIndex(1)
    window.set_theme("dark")
    window.set_font_size(18)
    window.resize(777, 555)
    window.close()
    saved = json.loads(path.read_text())
    assert (saved["speed"], saved["pitch"], saved["volume"], saved["voice"]) == (1.5, -2.0, 0.8, "bass")
    again = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(again)
    assert again.speed_slider.value() == 150 and again.pitch_slider.value() == -2
    assert again.volume_slider.value() == 80 and again.voice_combo.currentData() == "bass"
    assert again.theme_actions["dark"].isChecked() and again.editor.font().pointSize() == 18
    assert again.width() == 777
    again.set_theme("system", announce=False)


def test_corrupt_settings_fall_back_to_defaults(qtbot, make_context, fake_synth, fake_sink, tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{not json")
    window = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(window)
    assert window.speed_slider.value() == 100 and window.context.settings == Settings(voice="alto")
    assert "settings file could not be read" in window.last_announcement
    window.close()
    assert json.loads(path.read_text())["speed"] == 1.0
    assert (tmp_path / "s.json.corrupt").read_text() == "{not json"


def test_saved_voices_the_model_lacks_are_said_once(qtbot, make_context, fake_synth, fake_sink, tmp_path):
    """Settings saved with another model's voices (the bundled model's voices change with it)."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"voice": "bdl", "blend_voice": "slt", "blend_weight": 0.3}))
    window = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(window)
    assert window.last_announcement == (
        "The saved voice bdl is not in this voice model: alto reads instead. "
        "The blend's voice slt is not in this voice model: no blend."
    )
    assert (window.context.settings.voice, window.context.settings.blend_voice) == ("alto", "")
    window.close()
    again = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(again)
    assert "not in this voice model" not in again.last_announcement
    # a blend voice alone: the chosen voice stays
    path.write_text(json.dumps({"voice": "bass", "blend_voice": "slt"}))
    third = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(third)
    assert third.last_announcement == "The blend's voice slt is not in this voice model: no blend."
    assert third.voice_combo.currentData() == "bass"


def test_saved_voices_the_loaded_model_lacks_are_said_after_it_is_ready(
    qtbot, make_context, fake_sink, tmp_path, monkeypatch
):
    from app_fakes import FakeSynthesizer

    import bittts.engine.synthesis as synthesis
    from bittts.app.main import synthesizer_loader

    monkeypatch.setattr(synthesis, "Synthesizer", lambda *a, **k: FakeSynthesizer())
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"voice": "bdl"}))
    model = tmp_path / "m.bttm"
    model.write_bytes(b"x")  # the adapter only checks that it exists; the fake loads it
    ctx = make_context(None, fake_sink, settings_path=path)
    said = []
    window = MainWindow(ctx, synthesizer_loader=synthesizer_loader(ctx, model), model_readout="test")
    qtbot.addWidget(window)
    window.status.announce = said.append
    qtbot.waitUntil(lambda: ctx.synthesizer is not None, timeout=5000)
    qtbot.waitUntil(lambda: "Ready." in said, timeout=5000)
    assert said[said.index("Ready.") + 1 :] == ["The saved voice bdl is not in this voice model: alto reads instead."]
    window._load_synthesizer()  # a reload does not say it again
    qtbot.wait(200)
    assert sum("not in this voice model" in s for s in said) == 1
    ctx.pool.waitForDone(5000)


def test_bad_values_fall_back_one_by_one(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(
            {
                "speed": "fast",
                "pitch": 99,
                "volume": float("nan") if False else 0.5,
                "theme": "neon",
                "font_size": 12.7,
                "recent_files": [1, "a.txt"],
            }
        )
    )
    s = SettingsStore(path).load()
    assert (s.speed, s.pitch, s.volume, s.theme, s.font_size, s.recent_files) == (
        1.0,
        6.0,
        0.5,
        "system",
        12,
        ["a.txt"],
    )


# ---- accessibility
def _controls(root):
    kinds = (QAbstractButton, QComboBox, QAbstractSlider, QAbstractSpinBox, QPlainTextEdit, QLineEdit, QTableWidget)
    for w in root.findChildren(QWidget):
        if isinstance(w, kinds) and w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisibleTo(root):
            if isinstance(w, QLineEdit) and isinstance(w.parent(), (QComboBox, QAbstractSpinBox)):
                continue
            yield w


def _has_shortcut(root, w):
    if isinstance(w, QToolButton) and w.defaultAction() and not w.defaultAction().shortcut().isEmpty():
        return True
    if isinstance(w, QAbstractButton) and "&" in w.text():
        return True
    return any(label.buddy() is w and "&" in label.text() for label in root.findChildren(QLabel))


def test_every_control_has_an_accessible_name_and_a_shortcut(window):
    controls = list(_controls(window))
    assert len(controls) >= 15
    for w in controls:
        iface = QAccessible.queryAccessibleInterface(w)
        name = iface.text(QAccessible.Text.Name) if iface else w.accessibleName()
        assert name.strip(), f"{type(w).__name__} {w.objectName()} has no accessible name"
        assert _has_shortcut(window, w), f"{name} has no keyboard shortcut"


def test_pronunciation_dialog_controls_are_accessible(window):
    dialog = window.open_pronunciations()
    controls = list(_controls(dialog))
    assert len(controls) >= 8
    for w in controls:
        assert w.accessibleName(), type(w).__name__
        assert _has_shortcut(dialog, w), w.accessibleName()
    dialog.close()


def test_tab_order_is_logical(window):
    order = [window.editor]
    w = window.editor
    for _ in range(8):
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisible():
            w = w.nextInFocusChain()
        order.append(w)
    names = [x.accessibleName() for x in order]
    assert names == [
        "Text to read",
        "Voice",
        "Preview voice",
        "Blend with voice",
        "Blend amount, percent of the second voice",
        "Speed, percent",
        "Pitch, semitones",
        "Volume, percent",
        "Model information",
    ], names


def test_status_changes_are_announced(window, qtbot):
    window.editor.setPlainText("One.")
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.play()
    assert window.status_label.text() == "Stopped." == window.last_announcement
    assert window.status_label.accessibleName() == "Status"


def test_font_size_and_themes(window):
    window.set_font_size(14)
    window.act_bigger.trigger()
    assert window.editor.font().pointSize() == 15
    window.act_smaller.trigger()
    window.act_smaller.trigger()
    assert window.editor.font().pointSize() == 13
    for name in ("light", "dark", "high-contrast", "system"):
        window.theme_actions[name].trigger()
        assert window.context.settings.theme == name
    window.set_font_size(1000)
    assert window.editor.font().pointSize() == 48


def test_dropping_a_file_opens_it(window, qtbot, tmp_path):
    path = docs.write_txt(tmp_path / "dropped.txt")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.editor.dropEvent(event)
    qtbot.waitUntil(lambda: docs.SENTENCE in window.editor.toPlainText(), timeout=5000)


def test_screenshot_headless(tmp_path):
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bittts.app",
            "--screenshot",
            str(out),
            "--settings",
            str(tmp_path / "s.json"),
            "--model",
            str(tmp_path / "absent.bttm"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000


def test_tray_menu_where_the_platform_has_a_tray(qtbot, make_context, fake_synth, fake_sink, monkeypatch):
    from PySide6.QtWidgets import QSystemTrayIcon

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    window = MainWindow(make_context(fake_synth, fake_sink))
    qtbot.addWidget(window)
    assert window.tray is not None
    texts = [a.text() for a in window.tray.contextMenu().actions() if a.text()]
    assert texts == ["Play or pause", "&Stop", "Read &clipboard", "Show window", "&Quit"]
    window.editor.setPlainText("One two three.")
    window.act_play_pause.trigger()
    assert window.controller.state == "playing"
    window.close()


def test_voices_show_sex_accent_and_licence(window):
    assert [window.voice_combo.itemText(i) for i in range(window.voice_combo.count())] == [
        "alto (female, US)",
        "bass (male, Scottish)",
    ]
    assert "licence CC0" in window.voice_combo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert window.blend_combo.itemText(0) == "None" and window.blend_combo.count() == 3


# ---- numeric dates: a setting that needs a new synthesizer
def test_date_order_persists_and_falls_back(qtbot, make_context, fake_synth, fake_sink, tmp_path):
    path = tmp_path / "s.json"
    window = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(window)
    assert window.context.settings.date_order == "MDY" and window.date_order_actions["MDY"].isChecked()
    window.date_order_actions["DMY"].trigger()  # Read > Numeric dates > Day first
    assert window.context.settings.date_order == "DMY"
    assert window.last_announcement == "Numeric dates: day first (UK and most of the world)."
    window.close()
    assert json.loads(path.read_text())["date_order"] == "DMY"
    again = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(again)
    assert again.context.settings.date_order == "DMY" and again.date_order_actions["DMY"].isChecked()
    assert not again.date_order_actions["MDY"].isChecked()
    path.write_text(json.dumps({"date_order": "YMD"}))
    assert SettingsStore(path).load().date_order == "MDY"


def test_date_order_reloads_the_synthesizer_off_the_gui_thread(qtbot, make_context, fake_sink, tmp_path, monkeypatch):
    import threading
    import time

    from app_fakes import FakeSynthesizer

    import bittts.engine.synthesis as synthesis
    from bittts.app.main import synthesizer_loader

    gui_thread = threading.current_thread()
    load_seconds = {"MDY": 0.05, "DMY": 0.6}

    slow_load_started = threading.Event()

    class RecordingSynthesizer(FakeSynthesizer):
        def __init__(self, model_path=None, user_dict=None, date_order="MDY"):
            if date_order == "DMY":
                slow_load_started.set()
            time.sleep(load_seconds[date_order])  # loading a model takes a while
            super().__init__(model_path)
            self.date_order, self.user_dict = date_order, user_dict
            self.thread = threading.current_thread()

    monkeypatch.setattr(synthesis, "Synthesizer", RecordingSynthesizer)
    model = tmp_path / "m.bttm"
    model.write_bytes(b"x")  # the adapter only checks that it exists; the fake loads it
    ctx = make_context(None, fake_sink)
    window = MainWindow(ctx, synthesizer_loader=synthesizer_loader(ctx, model), model_readout="test")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: ctx.synthesizer is not None, timeout=5000)
    first = ctx.synthesizer
    assert first.date_order == "MDY" and first.thread is not gui_thread
    assert first.warmed_up  # the loader warms it up in the worker too
    assert first.user_dict is ctx.pronunciations().user_dict

    started = time.perf_counter()
    window.set_date_order("DMY")
    assert time.perf_counter() - started < 0.3  # the 0.6 s load runs on a worker
    assert ctx.synthesizer is first  # still reading with the old one until the new one is ready
    qtbot.waitUntil(lambda: ctx.synthesizer is not first, timeout=5000)
    assert ctx.synthesizer.date_order == "DMY" and ctx.synthesizer.thread is not gui_thread
    assert window.act_play.isEnabled()

    # Changed again while a load runs: the slow DMY load finishes last but is superseded by MDY.
    window.set_date_order("MDY")
    qtbot.waitUntil(lambda: ctx.synthesizer.date_order == "MDY", timeout=5000)
    slow_load_started.clear()
    window.set_date_order("DMY")
    assert slow_load_started.wait(5)
    window.set_date_order("MDY")
    qtbot.waitUntil(lambda: ctx.synthesizer.date_order == "MDY", timeout=5000)
    ctx.pool.waitForDone(5000)
    qtbot.wait(50)  # let the late DMY result arrive, if it were used
    assert ctx.synthesizer.date_order == "MDY" and ctx.settings.date_order == "MDY"
