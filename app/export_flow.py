"""Exporting the text as audio: the options dialog (format, one file or a file per chapter,
subtitles), the save dialog, resuming an interrupted export, the worker, the progress dialog
with cancel, and what the window says when it ends. The work is ``bittts.audiobook``'s, the
same as `bittts synth`'s."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bittts.audiobook import ExportOptions, state_path
from bittts.engine.audio_output import FORMAT_NAMES, available_formats

from .workers import ExportWorker

SUBTITLE_CHOICES = (("No subtitles", ""), ("SubRip (.srt)", "srt"), ("WebVTT (.vtt)", "vtt"))
LEVEL_CHOICES = (("A cue per sentence", "sentence"), ("A cue per word", "word"))


@dataclass(frozen=True)
class ExportChoice:
    """What the options dialog asked for."""

    suffix: str = ".wav"
    per_chapter: bool = False
    subtitles: str = ""
    subtitle_level: str = "sentence"


class ExportOptionsDialog(QDialog):
    """Format, one file or a file per chapter (offered when the document has chapters), subtitles."""

    def __init__(self, parent: QWidget | None, chapters: int):
        super().__init__(parent)
        self.setWindowTitle("Export audio")
        self.format_box = QComboBox()
        self.format_box.setAccessibleName("Audio format")
        for suffix in available_formats():
            self.format_box.addItem(f"{FORMAT_NAMES[suffix]} ({suffix})", suffix)
        self.one_file = QRadioButton("&One file")
        self.per_chapter = QRadioButton(
            f"A file per &chapter ({chapters} chapters)" if chapters else "A file per &chapter"
        )
        self.one_file.setChecked(True)
        self.per_chapter.setEnabled(chapters > 0)
        if not chapters:
            self.per_chapter.setToolTip("This text has no chapters (open an EPUB, a PDF with an outline, or headings).")
        self.subtitle_box = QComboBox()
        self.subtitle_box.setAccessibleName("Subtitles")
        for label, value in SUBTITLE_CHOICES:
            self.subtitle_box.addItem(label, value)
        self.level_box = QComboBox()
        self.level_box.setAccessibleName("Subtitle cues")
        for label, value in LEVEL_CHOICES:
            self.level_box.addItem(label, value)
        self.level_box.setEnabled(False)
        self.subtitle_box.currentIndexChanged.connect(
            lambda: self.level_box.setEnabled(bool(self.subtitle_box.currentData()))
        )
        form = QFormLayout()
        form.addRow("&Format:", self.format_box)
        form.addRow("Files:", self.one_file)
        form.addRow("", self.per_chapter)
        form.addRow("&Subtitles:", self.subtitle_box)
        form.addRow("Subtitle &cues:", self.level_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def choice(self) -> ExportChoice:
        return ExportChoice(
            self.format_box.currentData(),
            self.per_chapter.isChecked(),
            self.subtitle_box.currentData(),
            self.level_box.currentData(),
        )


class ExportFlow(QObject):
    """One export at a time. ``text()`` is the text to export, ``current_file()`` the open
    file (it names the suggested file); the open ``bittts.documents.Document`` is read from
    the window's file flow (``parent.files.current_document``) for its title and chapters,
    used only while the text is still the document's. ``status`` says how it went."""

    def __init__(self, parent, context, status, text: Callable[[], str], current_file: Callable[[], str | None]):
        super().__init__(parent)
        self.parent_widget = parent
        self.context, self.status = context, status
        self._text, self._current_file = text, current_file
        self.worker: ExportWorker | None = None
        self.progress: QProgressDialog | None = None

    def document(self, text: str):
        """The open Document when ``text`` is still its text, else None."""
        files = getattr(self.parent_widget, "files", None)
        document = getattr(files, "current_document", None)
        return document if document is not None and getattr(document, "text", None) == text else None

    def dialog(self) -> None:
        """Ask for the options, then a file (or a folder, for a file per chapter), then export;
        an interrupted export to the same place is offered for resuming."""
        text = self._text()
        document = self.document(text)
        chapters = len(document.chapters) if document is not None else 0
        options = ExportOptionsDialog(self.parent_widget, chapters)
        if options.exec() != QDialog.DialogCode.Accepted:
            return
        choice = options.choice()
        current = self._current_file()
        stem = Path(current).stem if current else "speech"
        if choice.per_chapter:
            path = QFileDialog.getExistingDirectory(self.parent_widget, "Export a file per chapter into")
        else:
            name = f"{FORMAT_NAMES[choice.suffix]} audio (*{choice.suffix})"
            path, _ = QFileDialog.getSaveFileName(self.parent_widget, "Export audio", stem + choice.suffix, name)
            if path and Path(path).suffix.lower() != choice.suffix:
                path += choice.suffix
        if not path:
            return
        resume = False
        if state_path(Path(path)).exists():
            answer = QMessageBox.question(
                self.parent_widget,
                "Resume the export?",
                f"An export to {Path(path).name} was interrupted. Resume it where it stopped?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            resume = answer == QMessageBox.StandardButton.Yes
        self.export_to(path, choice, resume=resume)

    def export_to(self, path: str, choice: ExportChoice | None = None, resume: bool = False) -> ExportWorker | None:
        """Export the whole text into ``path`` (a folder for a file per chapter) on a worker,
        with a progress dialog and cancel; a cancelled export can be resumed (``resume``)."""
        if self.context.synthesizer is None:
            self.status.show_error(self.context.synthesizer_problem or "No voice model is installed.")
            return None
        if self.worker is not None:
            self.status.show_error("An export is already running.")
            return None
        text = self._text()
        if not text.strip():
            self.status.announce("There is no text to export.")
            return None
        choice = choice or ExportChoice(Path(path).suffix.lower() or ".wav")
        document = self.document(text)
        options = ExportOptions(
            Path(path),
            per_chapter=choice.per_chapter,
            suffix=choice.suffix,
            subtitles=choice.subtitles,
            subtitle_level=choice.subtitle_level,
            resume=resume,
        )
        worker = ExportWorker(
            self.context.synthesizer,
            text,
            self.context.export_config(),
            path,
            threading.Event(),
            options=options,
            chapters=document.chapters if document is not None else (),
            title=document.title if document is not None else "",
        )
        progress = QProgressDialog(f"Exporting to {Path(path).name}…", "&Cancel", 0, 100, self.parent_widget)
        progress.setWindowTitle("Export audio")
        progress.setAccessibleName("Export progress")
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(worker.cancel.set)
        worker.signals.progress.connect(progress.setValue)
        worker.signals.detail.connect(progress.setLabelText)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.cancelled.connect(self._on_cancelled)
        self.worker, self.progress = worker, progress
        self.status.announce(f"{'Resuming the export' if resume else 'Exporting'} to {Path(path).name}…")
        self.context.runnables.start(worker)
        return worker

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()

    def _end(self):
        if self.progress is not None:
            self.progress.close()
        self.worker = self.progress = None

    def _on_finished(self, path: str, seconds: float) -> None:
        self._end()
        self.status.announce(f"Exported {seconds:.1f} seconds of audio to {Path(path).name}.")

    def _on_failed(self, message: str) -> None:
        self._end()
        self.status.show_error(message)

    def _on_cancelled(self) -> None:
        self._end()
        self.status.announce("Export cancelled. Export to the same place again to resume it.")
