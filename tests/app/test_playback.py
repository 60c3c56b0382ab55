"""Playback through the fake sink: audio delivered, highlight in order, pause/resume, stop,
previous/next sentence, settings that change while playing."""

import json
import sys

import numpy as np
import pytest
from app_fakes import FakeSynthesizer

from bittts.app.playback import PAUSED, PLAYING, STOPPED

TEXT = "One two three. Four five six. Seven eight nine."


def words_highlighted(window, qtbot, timeout=8000):
    seen = []
    window.controller.wordChanged.connect(
        lambda s, e: seen.append(window.editor.toPlainText()[s:e]) if s >= 0 else None
    )
    with qtbot.waitSignal(window.controller.finished, timeout=timeout):
        window.play()
    return seen


def test_play_delivers_audio_and_moves_the_highlight_in_order(window, qtbot, fake_sink, fake_synth):
    window.editor.setPlainText(TEXT)
    seen = words_highlighted(window, qtbot)
    assert seen == TEXT.replace(".", ".").split()  # every word, in order, with its punctuation
    played = fake_sink.played
    expected = np.concatenate([c.samples for c in fake_synth.synthesize(TEXT)])
    assert len(played) == len(expected)
    assert np.allclose(played, expected, atol=1e-6)
    assert window.controller.state == STOPPED
    assert not window.editor.isReadOnly()
    assert fake_synth.quick_starts[0] is True  # reading asks for the engine's quick start


def test_highlight_follows_the_played_position_not_the_synthesis(window, qtbot, fake_sink):
    # The synthesizer is far ahead (instant), the sink plays in real time: the highlighted word
    # must be the one at the sink's position.
    fake_sink.speedup = 1.0
    window.editor.setPlainText(TEXT)
    window.play()
    qtbot.waitUntil(lambda: window.highlighted_word() == "two", timeout=3000)
    assert fake_sink.played_samples() < 3 * (480 + 160)  # still within the first three words
    window.stop()


def test_play_from_cursor_and_selection(window, qtbot, fake_synth):
    window.editor.setPlainText(TEXT)
    cursor = window.editor.textCursor()
    cursor.setPosition(TEXT.index("ive"))  # inside "five": starts at the word's start
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.controller.finished, timeout=8000):
        window.play()
    assert fake_synth.texts[-1] == TEXT[TEXT.index("five") :]
    cursor.setPosition(TEXT.index("Four"))
    cursor.setPosition(TEXT.index("Seven"), cursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.controller.finished, timeout=8000):
        window.play()
    assert fake_synth.texts[-1] == "Four five six. "


def test_pause_resume_and_stop(window, qtbot, fake_sink):
    fake_sink.speedup = 1.0
    window.editor.setPlainText(TEXT)
    window.play()
    qtbot.waitUntil(lambda: fake_sink.played_samples() > 0, timeout=3000)
    window.act_pause.trigger()
    assert window.controller.state == PAUSED
    qtbot.wait(50)
    held = fake_sink.played_samples()
    qtbot.wait(200)
    assert fake_sink.played_samples() == held  # nothing plays while paused
    assert window.act_pause.text() == "Res&ume"
    window.act_pause.trigger()
    assert window.controller.state == PLAYING
    qtbot.waitUntil(lambda: fake_sink.played_samples() > held, timeout=3000)
    window.act_stop.trigger()
    assert window.controller.state == STOPPED
    assert window.highlighted_word() == ""
    qtbot.wait(100)
    assert fake_sink.played_samples() == 0 and fake_sink.queued_samples() == 0
    assert not window.editor.isReadOnly()


def test_next_and_previous_sentence(window, qtbot, fake_sink, fake_synth):
    fake_sink.speedup = 1.0
    window.editor.setPlainText(TEXT)
    window.play()
    qtbot.waitUntil(lambda: window.highlighted_word() == "One", timeout=3000)
    window.act_next.trigger()
    qtbot.waitUntil(lambda: window.highlighted_word() == "Four", timeout=3000)
    assert fake_synth.texts[-1] == TEXT[TEXT.index("Four") :]
    window.act_next.trigger()
    qtbot.waitUntil(lambda: window.highlighted_word() == "Seven", timeout=3000)
    window.act_prev.trigger()
    qtbot.waitUntil(lambda: window.highlighted_word() == "Four", timeout=3000)
    window.stop()


def test_next_sentence_when_stopped_moves_the_cursor(window):
    window.editor.setPlainText(TEXT)
    window.act_next.trigger()
    assert window.editor.textCursor().position() == TEXT.index("Four")
    window.act_next.trigger()
    assert window.editor.textCursor().position() == TEXT.index("Seven")
    window.act_prev.trigger()
    assert window.editor.textCursor().position() == TEXT.index("Four")


def test_speed_and_voice_change_while_playing_apply_from_the_next_chunk(window, qtbot, fake_sink, fake_synth):
    fake_sink.speedup = 1.0
    fake_sink.buffer_seconds = 0.1  # keeps the synthesizer close behind the listener
    window.editor.setPlainText(" ".join([TEXT] * 4))  # 12 sentences; 2-3 are synthesized ahead
    window.play()
    qtbot.waitUntil(lambda: window.highlighted_word() == "One", timeout=3000)
    window.speed_slider.setValue(200)
    window.voice_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.controller.state == STOPPED, timeout=15000)
    first, last = fake_synth.configs_seen[0], fake_synth.configs_seen[-1]
    assert (first.speed, first.voice) == (1.0, "alto")
    assert (last.speed, last.voice) == (2.0, "bass")


def test_volume_applies_at_once(window, qtbot, fake_sink):
    window.volume_slider.setValue(50)
    assert fake_sink.gain == pytest.approx(0.5)
    window.editor.setPlainText("One.")
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.play()
    assert 0.14 < np.abs(fake_sink.played).max() <= 0.151  # the fake's 0.3 peak at half volume


def test_blend_of_two_voices(window):
    window.voice_combo.setCurrentIndex(0)
    window.blend_combo.setCurrentIndex(2)  # "bass"
    window.blend_slider.setValue(30)
    assert window.context.current_config().voice == "alto:0.700+bass:0.300"
    assert window.blend_slider.isEnabled()
    window.blend_combo.setCurrentIndex(0)
    assert window.context.current_config().voice == "alto"
    assert not window.blend_slider.isEnabled()


def test_preview_plays_without_touching_the_text(window, qtbot, fake_synth):
    window.editor.setPlainText(TEXT)
    with qtbot.waitSignal(window.controller.finished, timeout=8000):
        window.preview_button.click()
    assert "alto" in fake_synth.texts[-1]
    assert window.editor.toPlainText() == TEXT
    assert not window.editor.isReadOnly()


def test_read_clipboard(window, qtbot, fake_synth):
    from PySide6.QtGui import QGuiApplication

    window.editor.setPlainText("old text")
    QGuiApplication.clipboard().setText("From the clipboard.")
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.act_clipboard.trigger()
    assert fake_synth.texts[-1] == "From the clipboard."
    window.editor.undo()
    assert window.editor.toPlainText() == "old text"  # replacing the text can be undone


def test_astral_characters_do_not_shift_the_highlight(window, qtbot):
    text = "\U0001f600 smile and wave."
    window.editor.setPlainText(text)
    seen = words_highlighted(window, qtbot)
    assert seen == ["\U0001f600", "smile", "and", "wave."]


def test_synthesis_error_is_a_message_not_a_crash(window, qtbot, fake_synth):
    def broken(text, config=None, cancel=None, quick_start=False):
        raise RuntimeError("kernel exploded")
        yield  # pragma: no cover

    fake_synth.synthesize = broken
    window.editor.setPlainText(TEXT)
    with qtbot.waitSignal(window.controller.error, timeout=3000):
        window.play()
    assert "kernel exploded" in window.last_error
    assert window.controller.state == STOPPED


def test_play_pause_key_and_transport_state(window, qtbot, fake_sink):
    fake_sink.speedup = 1.0
    window.editor.setPlainText(TEXT)
    assert not window.act_stop.isEnabled() and not window.act_pause.isEnabled()
    window.act_play_pause.trigger()
    assert window.controller.state == PLAYING and window.act_stop.isEnabled()
    window.act_play_pause.trigger()
    assert window.controller.state == PAUSED
    window.act_play_pause.trigger()
    assert window.controller.state == PLAYING
    window.stop()
    assert not window.act_stop.isEnabled()


def test_after_the_end_play_starts_again_from_the_top(window, qtbot, fake_synth):
    window.editor.setPlainText("One two. Three.")
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.play()
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.play()
    assert fake_synth.texts == ["One two. Three.", "One two. Three."]


def test_no_gaps_between_sentences_when_synthesis_keeps_up(window, qtbot, fake_sink, fake_synth):
    # Each sentence: 240 ms of audio made in 180 ms. The sink holds only 100 ms, so without
    # synthesizing ahead the next sentence would start 80 ms late.
    fake_synth.chunk_delay = 0.18
    fake_sink.speedup = 1.0
    fake_sink.buffer_seconds = 0.1
    window.editor.setPlainText(" ".join([TEXT] * 2))
    with qtbot.waitSignal(window.controller.finished, timeout=10000):
        window.play()
    assert len(fake_synth.configs_seen) == 6
    assert fake_sink.underruns == 0


def test_a_stalled_audio_device_stops_with_a_message(window, qtbot, fake_sink):
    window.controller.stall_seconds = 0.3
    fake_sink.speedup = 0.0  # the device takes nothing any more
    window.editor.setPlainText(TEXT)
    with qtbot.waitSignal(window.controller.error, timeout=10000):  # after max_recoveries reopens
        window.play()
    assert "stopped playing" in window.last_error
    assert window.controller.state == STOPPED and not window.editor.isReadOnly()


# ---- the audio device, on a fake sounddevice module (no sound card needed)

MAC_DEVICES = [("Core Audio", "MacBook Speakers"), ("Core Audio", "AirPods")]


@pytest.fixture
def device_window(qtbot, make_context, fake_synth, monkeypatch):
    """device_window(devices, defaults, saved="") -> (window, fake sounddevice): the real
    SoundDeviceSink on the fake module; the watcher looks every 0.1 s."""
    from fake_sounddevice import FakeSoundDevice

    from bittts.app.audio import SoundDeviceSink
    from bittts.app.window import MainWindow

    made = []

    def make(devices, defaults, saved=""):
        sd = FakeSoundDevice(devices, defaults)
        monkeypatch.setitem(sys.modules, "sounddevice", sd)
        sink = SoundDeviceSink(platform="darwin", buffer_seconds=0.2)
        sink.signature_probe = sd.signature
        ctx = make_context(fake_synth, sink)
        ctx.settings.output_device = saved
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.show()
        w.controller.watch_interval_seconds = 0.1
        made.append(w)
        return w, sd

    yield make
    for w in made:
        w.controller.stop()


def nonzero_audio(fake_synth, text):
    """The non-silent samples of ``text`` and where each chunk's end falls among them."""
    chunks = [c.samples[c.samples != 0] for c in FakeSynthesizer().synthesize(text)]
    return np.concatenate(chunks), np.cumsum([len(c) for c in chunks])


def reading(device_window, qtbot, until_word, devices=MAC_DEVICES, default="AirPods"):
    """A window on fake devices reading TEXT, once ``until_word`` is highlighted."""
    w, sd = device_window(devices, {"Core Audio": default})
    w.editor.setPlainText(TEXT)
    w.play()
    qtbot.waitUntil(lambda: w.highlighted_word() == until_word, timeout=5000)
    return w, sd


def test_an_unplugged_device_reading_goes_on_from_the_sentence_start_on_the_default(device_window, qtbot, fake_synth):
    w, sd = device_window(MAC_DEVICES, {"Core Audio": "AirPods"})
    messages, words = [], []
    w.controller.message.connect(messages.append)
    w.controller.wordChanged.connect(lambda s, e: words.append(s) if s >= 0 else None)
    w.editor.setPlainText(TEXT)
    w.play()
    qtbot.waitUntil(lambda: w.highlighted_word() == "five", timeout=5000)
    heard_before = len(words)
    with qtbot.waitSignal(w.controller.finished, timeout=10000):
        sd.unplug("AirPods")  # the stream dies, as PortAudio's does
    rest = TEXT[TEXT.index("Four") :]
    assert fake_synth.texts == [TEXT, rest]
    full, _ = nonzero_audio(fake_synth, TEXT)
    airpods = sd.heard("AirPods")
    assert 0 < len(airpods) < len(full) and np.array_equal(airpods, full[: len(airpods)])
    assert np.array_equal(sd.heard("MacBook Speakers"), nonzero_audio(fake_synth, rest)[0])  # the whole sentence again
    after = words[heard_before:]
    assert min(after) == TEXT.index("Four") and after[-1] == TEXT.index("nine")  # the place was kept
    assert any("MacBook Speakers" in m and "start of the sentence" in m for m in messages)
    assert w.last_error == ""


def test_an_underflow_storm_reopens_the_device_and_keeps_the_place(device_window, qtbot, fake_synth):
    w, sd = reading(device_window, qtbot, "five")
    with qtbot.waitSignal(w.controller.finished, timeout=10000):
        sd.open_streams()[-1].underflow = True
    assert fake_synth.texts == [TEXT, TEXT[TEXT.index("Four") :]]
    assert len(sd.streams) == 2 and sd.streams[1].device == "AirPods"  # the same device, reopened


def test_a_default_change_moves_playback_at_the_next_chunk_boundary(device_window, qtbot, fake_synth):
    w, sd = reading(device_window, qtbot, "two")
    with qtbot.waitSignal(w.controller.finished, timeout=10000):
        sd.set_default("Core Audio", "MacBook Speakers")  # e.g. headphones unplugged in the settings
    full, chunk_ends = nonzero_audio(fake_synth, TEXT)
    airpods, speakers = sd.heard("AirPods"), sd.heard("MacBook Speakers")
    assert np.array_equal(np.concatenate([airpods, speakers]), full)  # nothing lost, nothing repeated
    assert len(airpods) in chunk_ends[:-1]  # the move fell on a chunk boundary
    assert fake_synth.texts == [TEXT]  # no restart
    assert sd.scans == 1 and sd.scans_with_a_stream_open == 0  # one re-scan, with no stream open
    assert w.context.sink().current_device_label() == "MacBook Speakers"


def test_a_missing_saved_device_falls_back_and_is_used_again_when_it_returns(device_window, qtbot, fake_synth):
    w, sd = device_window([("Core Audio", "MacBook Speakers")], {"Core Audio": "MacBook Speakers"}, saved="USB DAC")
    assert "USB DAC" in w.last_announcement and "system default" in w.last_announcement
    w.output_devices.refresh()
    labels = {name: a.text() for name, a in w.output_devices.actions.items()}
    assert labels == {
        "": "System default",
        "MacBook Speakers": "MacBook Speakers",
        "USB DAC": "USB DAC (not connected)",
    }
    assert w.output_devices.actions["USB DAC"].isChecked()
    w.editor.setPlainText(TEXT)
    w.play()
    qtbot.waitUntil(lambda: w.highlighted_word() == "two", timeout=5000)
    with qtbot.waitSignal(w.controller.finished, timeout=10000):
        sd.plug("Core Audio", "USB DAC")
    full, chunk_ends = nonzero_audio(fake_synth, TEXT)
    speakers, dac = sd.heard("MacBook Speakers"), sd.heard("USB DAC")
    assert len(dac) > 0 and np.array_equal(np.concatenate([speakers, dac]), full)
    assert len(speakers) in chunk_ends[:-1]


def test_with_no_device_at_all_playback_pauses_with_a_message_and_play_resumes(device_window, qtbot, fake_synth):
    from bittts.app.playback import NO_DEVICE_MESSAGE

    w, sd = reading(device_window, qtbot, "five", devices=[("Core Audio", "AirPods")])
    with qtbot.waitSignal(w.controller.error, timeout=10000):
        sd.unplug("AirPods")
    assert w.last_error == NO_DEVICE_MESSAGE and w.controller.state == PAUSED
    assert not sd.open_streams()
    with qtbot.waitSignal(w.controller.error, timeout=10000):
        w.act_play.trigger()  # still nothing plugged in: said again, nothing crashes
    assert w.controller.state == PAUSED and w.last_error == NO_DEVICE_MESSAGE
    sd.plug("Core Audio", "MacBook Speakers", make_default=True)
    with qtbot.waitSignal(w.controller.finished, timeout=10000):
        w.act_play.trigger()
    assert fake_synth.texts[-1] == TEXT[TEXT.index("Four") :]
    assert np.array_equal(sd.heard("MacBook Speakers"), nonzero_audio(fake_synth, fake_synth.texts[-1])[0])


def test_the_output_device_menu_moves_playback_and_saves_the_choice(device_window, qtbot, fake_synth):
    w, sd = device_window(MAC_DEVICES, {"Core Audio": "AirPods"})
    w.output_devices.refresh()
    assert list(w.output_devices.actions) == ["", "MacBook Speakers", "AirPods"]
    assert w.output_devices.actions[""].isChecked()
    w.editor.setPlainText(TEXT)
    w.play()
    qtbot.waitUntil(lambda: w.highlighted_word() == "two", timeout=5000)
    with qtbot.waitSignal(w.controller.finished, timeout=10000):
        w.output_devices.actions["MacBook Speakers"].trigger()
    full, chunk_ends = nonzero_audio(fake_synth, TEXT)
    airpods, speakers = sd.heard("AirPods"), sd.heard("MacBook Speakers")
    assert len(airpods) in chunk_ends[:-1] and np.array_equal(np.concatenate([airpods, speakers]), full)
    assert w.save_settings() == ""
    assert json.loads(w.context.settings_store.path.read_text())["output_device"] == "MacBook Speakers"
    w.output_devices.actions[""].trigger()  # stopped: the stream moves now
    assert w.last_announcement == "Output device: System default."
    qtbot.waitUntil(lambda: w.last_announcement == "Audio output: AirPods.", timeout=5000)
    assert w.context.sink().current_device_label() == "AirPods" and w.context.settings.output_device == ""
