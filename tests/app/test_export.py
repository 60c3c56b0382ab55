import threading
import wave

import numpy as np
import pytest
from app_fakes import FakeSynthesizer

from bittts.app.workers import ExportWorker
from bittts.engine.audio_output import available_formats
from bittts.engine.synthesis_types import SynthesisConfig

TEXT = "One two three. Four five six. Seven eight nine."


def read_wav(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


def test_export_writes_a_valid_non_silent_wav_with_progress(window, qtbot, tmp_path, fake_synth):
    window.editor.setPlainText(TEXT)
    window.volume_slider.setValue(100)
    progress = []
    worker = window.export_to(str(tmp_path / "out.wav"))
    worker.signals.progress.connect(progress.append)
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=5000)
    pcm = read_wav(tmp_path / "out.wav")
    expected = sum(len(c.samples) for c in FakeSynthesizer().synthesize(TEXT))
    assert len(pcm) == expected
    assert np.abs(pcm).max() > 0.25 * 32767  # not silent: the fake's 0.3 peak
    assert "Exported" in window.last_announcement
    assert not list(tmp_path.glob(".*partial*"))


def test_export_cancel_removes_the_partial_file(window, qtbot, tmp_path, fake_synth):
    fake_synth.chunk_delay = 0.3
    window.editor.setPlainText(TEXT * 5)
    worker = window.export_to(str(tmp_path / "out.wav"))
    qtbot.waitUntil(lambda: len(fake_synth.configs_seen) >= 1, timeout=3000)
    from PySide6.QtWidgets import QPushButton

    window.export_progress.findChild(QPushButton).click()  # the dialog's Cancel button
    assert worker.cancel.is_set()
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=3000)
    assert window.last_announcement == "Export cancelled."
    assert not (tmp_path / "out.wav").exists()
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize("suffix", [".flac", ".ogg"])
def test_export_flac_and_ogg_where_available(qtbot, tmp_path, suffix):
    if suffix not in available_formats():
        pytest.skip(f"{suffix} needs soundfile")
    import soundfile

    worker = ExportWorker(FakeSynthesizer(), TEXT, SynthesisConfig(), tmp_path / f"out{suffix}", threading.Event())
    done, errors = [], []
    worker.signals.finished.connect(lambda path, seconds: done.append(seconds))
    worker.signals.failed.connect(errors.append)
    worker.run()  # returns when the export thread is done; its signals arrive queued
    qtbot.waitUntil(lambda: bool(done or errors), timeout=3000)
    assert errors == [] and done[0] > 0.5
    data, rate = soundfile.read(str(tmp_path / f"out{suffix}"))
    assert rate == 8000 and len(data) > 1000 and np.abs(data).max() > 0.2


def test_export_to_an_unwritable_place_is_a_message(window, qtbot, tmp_path):
    window.editor.setPlainText(TEXT)
    window.export_to(str(tmp_path / "no" / "such" / "dir" / "out.wav"))
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=3000)
    assert "Export to out.wav failed" in window.last_error
