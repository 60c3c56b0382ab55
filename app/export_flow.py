"""Exporting the text to an audio file: the save dialog, the worker, the progress dialog with
cancel, and what the window says when it ends."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from bittts.engine.audio_output import FILE_FORMATS, available_formats

from .workers import ExportWorker


class ExportFlow(QObject):
    """One export at a time. ``text()`` is the text to export, ``current_file()`` the open
    document (it names the suggested file); ``status`` says how it went."""

    def __init__(self, parent, context, status, text: Callable[[], str], current_file: Callable[[], str | None]):
        super().__init__(parent)
        self.parent_widget = parent
        self.context, self.status = context, status
        self._text, self._current_file = text, current_file
        self.worker: ExportWorker | None = None
        self.progress: QProgressDialog | None = None

    def dialog(self) -> None:
        """Ask for a file (the formats this installation writes), then export to it."""
        formats = available_formats()
        filters = ";;".join(f"{FILE_FORMATS[s]} audio (*{s})" for s in formats)
        current = self._current_file()
        base = Path(current).with_suffix(".wav").name if current else "speech.wav"
        path, chosen = QFileDialog.getSaveFileName(self.parent_widget, "Export audio", base, filters)
        if not path:
            return
        if Path(path).suffix.lower() not in formats:
            suffix = next((s for s in formats if s in chosen), ".wav")
            path += suffix
        self.export_to(path)

    def export_to(self, path: str) -> ExportWorker | None:
        """Synthesize the whole text into ``path`` on a worker, with a progress dialog and cancel."""
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
        worker = ExportWorker(self.context.synthesizer, text, self.context.export_config(), path, threading.Event())
        progress = QProgressDialog(f"Exporting to {Path(path).name}…", "&Cancel", 0, 100, self.parent_widget)
        progress.setWindowTitle("Export audio")
        progress.setAccessibleName("Export progress")
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(worker.cancel.set)
        worker.signals.progress.connect(progress.setValue)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.cancelled.connect(self._on_cancelled)
        self.worker, self.progress = worker, progress
        self.status.announce(f"Exporting to {Path(path).name}…")
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
        self.status.announce("Export cancelled.")
