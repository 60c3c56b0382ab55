"""Opening documents: the open dialog, reading on a worker, and the File > Open recent menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from bittts.documents import FILE_DIALOG_FILTER, Document

from .workers import FileLoadWorker


class FileFlow(QObject):
    """Reads files off the GUI thread; ``opened(path, text)`` is emitted when one is read (the
    window puts the text in place), then the file goes to the top of the recent list.
    ``current_document`` is the last Document opened (its blocks and chapters), None before."""

    opened = Signal(str, str)

    def __init__(self, parent, context, status, recent_menu):
        super().__init__(parent)
        self.parent_widget = parent
        self.context, self.status = context, status
        self.recent_menu = recent_menu
        self.loading: FileLoadWorker | None = None  # the read under way, if any
        self.current_document: Document | None = None

    def dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open a document", "", FILE_DIALOG_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str):
        """Read a file on a worker; ``opened`` is emitted when it is done. A read still under
        way is cancelled: the last file asked for wins."""
        self.cancel_loading()
        self.status.announce(f"Opening {Path(path).name}…")
        worker = FileLoadWorker(str(path))
        worker.signals.loaded.connect(lambda p, text: self._on_loaded(worker, p, text))
        worker.signals.failed.connect(lambda p, msg: self._on_failed(worker, msg))
        worker.signals.cancelled.connect(lambda p: self._on_done(worker))
        self.loading = worker
        self.context.runnables.start(worker)
        return worker

    def cancel_loading(self) -> bool:
        """Cancel the read under way (True if there was one); its text is never shown."""
        worker, self.loading = self.loading, None
        if worker is None:
            return False
        worker.cancel()
        self.status.announce(f"Opening {Path(worker.path).name} was cancelled.")
        return True

    def _on_done(self, worker: FileLoadWorker) -> bool:
        """True if ``worker`` is the read under way (which is now over)."""
        if worker is not self.loading:
            return False
        self.loading = None
        return True

    def _on_failed(self, worker: FileLoadWorker, message: str) -> None:
        if self._on_done(worker):
            self.status.show_error(message)

    def _on_loaded(self, worker: FileLoadWorker, path: str, text: str) -> None:
        if not self._on_done(worker) or worker.is_cancelled:
            return
        self.current_document = worker.document
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
