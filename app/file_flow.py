"""Opening documents: the open dialog, reading on a worker, and the File > Open recent menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from .documents import FILE_DIALOG_FILTER
from .workers import FileLoadWorker


class FileFlow(QObject):
    """Reads files off the GUI thread; ``opened(path, text)`` is emitted when one is read (the
    window puts the text in place), then the file goes to the top of the recent list."""

    opened = Signal(str, str)

    def __init__(self, parent, context, status, recent_menu):
        super().__init__(parent)
        self.parent_widget = parent
        self.context, self.status = context, status
        self.recent_menu = recent_menu

    def dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open a document", "", FILE_DIALOG_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str):
        """Read a file on a worker; ``opened`` is emitted when it is done."""
        self.status.announce(f"Opening {Path(path).name}…")
        worker = FileLoadWorker(str(path))
        worker.signals.loaded.connect(self._on_loaded)
        worker.signals.failed.connect(lambda p, msg: self.status.show_error(msg))
        self.context.runnables.start(worker)
        return worker

    def _on_loaded(self, path: str, text: str) -> None:
        self.opened.emit(path, text)
        self.context.settings.add_recent(path)
        self.update_recent_menu()
        self.status.announce(f"Opened {Path(path).name} ({len(text.split()):,} words).")

    def update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.context.settings.recent_files
        for i, path in enumerate(recent):
            act = self.recent_menu.addAction(f"&{(i + 1) % 10} {Path(path).name}")
            act.setToolTip(path)
            act.triggered.connect(lambda checked=False, p=path: self.open_file(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("&Clear the list", self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.context.settings.recent_files = []
        self.update_recent_menu()
