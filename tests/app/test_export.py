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
    assert window.last_announcement == "Export cancelled. Export to the same place again to resume it."
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


# --- issue 31: chapters, subtitles, formats, resume ---------------------------------------------
BOOK = "Front words here.\n\nChapter one. It rains.\n\nChapter two. The sun."


def open_book(window):
    from bittts.documents.model import Chapter, Document

    window.editor.setPlainText(BOOK)
    window.files.current_document = Document(BOOK, "The Book", chapters=(Chapter("One", 19), Chapter("Two", 43)))


def test_the_options_dialog_offers_every_format_and_chapters_only_when_there_are_some(qtbot):
    from bittts.app.export_flow import ExportOptionsDialog

    dialog = ExportOptionsDialog(None, chapters=0)
    qtbot.addWidget(dialog)
    suffixes = [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]
    assert suffixes == available_formats()
    assert not dialog.per_chapter.isEnabled() and not dialog.level_box.isEnabled()
    with_chapters = ExportOptionsDialog(None, chapters=2)
    qtbot.addWidget(with_chapters)
    assert with_chapters.per_chapter.isEnabled() and "2 chapters" in with_chapters.per_chapter.text()
    with_chapters.per_chapter.setChecked(True)
    with_chapters.subtitle_box.setCurrentIndex(2)
    assert with_chapters.level_box.isEnabled()
    choice = with_chapters.choice()
    assert (choice.per_chapter, choice.subtitles, choice.subtitle_level) == (True, "vtt", "sentence")


def test_export_a_file_per_chapter_of_the_open_document_with_subtitles(window, qtbot, tmp_path):
    from bittts.app.export_flow import ExportChoice

    open_book(window)
    folder = tmp_path / "book"
    window.export.export_to(str(folder), ExportChoice(".wav", per_chapter=True, subtitles="srt"))
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=5000)
    assert sorted(p.name for p in folder.iterdir()) == [
        "01 - The Book.srt",
        "01 - The Book.wav",
        "02 - One.srt",
        "02 - One.wav",
        "03 - Two.srt",
        "03 - Two.wav",
    ]
    assert (folder / "03 - Two.srt").read_text().startswith("1\n00:00:00,000 --> 00:00:00,140\nChapter two.\n\n2\n")
    assert "Exported" in window.last_announcement


def test_an_edited_text_is_exported_without_the_documents_chapters(window, qtbot, tmp_path):
    open_book(window)
    window.editor.setPlainText(BOOK + " More.")
    assert window.export.document(window.editor.toPlainText()) is None
    window.export_to(str(tmp_path / "out.wav"))
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=5000)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".wav"] == ["out.wav"]


def test_a_cancelled_export_resumes_to_the_same_audio(window, qtbot, tmp_path, fake_synth):
    from bittts.app.export_flow import ExportChoice

    text = "\n\n".join(f"Paragraph {k} has words. And more words." for k in range(80))  # several segments
    window.editor.setPlainText(text)
    window.export_to(str(tmp_path / "straight.wav"))
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=10000)
    fake_synth.chunk_delay = 0.05
    worker = window.export_to(str(tmp_path / "out.wav"))
    qtbot.waitUntil(lambda: len(fake_synth.texts) >= 4, timeout=10000)  # a few segments in
    worker.cancel.set()
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=5000)
    assert "resume" in window.last_announcement and not (tmp_path / "out.wav").exists()
    fake_synth.chunk_delay = 0.0
    fake_synth.texts.clear()
    window.export.export_to(str(tmp_path / "out.wav"), ExportChoice(".wav"), resume=True)
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=10000)
    assert "Exported" in window.last_announcement
    assert len("".join(fake_synth.texts)) < len(text)  # the finished part was not made again
    np.testing.assert_array_equal(read_wav(tmp_path / "out.wav"), read_wav(tmp_path / "straight.wav"))
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("settings")) == [
        "out.wav",
        "straight.wav",
    ]


def test_the_time_left_reads_like_speech():
    from bittts.app.workers import time_left_words

    assert time_left_words(20) == "less than a minute"
    assert time_left_words(61) == "about 1 minute"
    assert time_left_words(600) == "about 10 minutes"
    assert time_left_words(3 * 3600) == "about 3.0 hours"
